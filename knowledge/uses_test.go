package knowledge_test

import (
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

func TestLicenceUses(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatalf("load shipped knowledge: %v", err)
	}
	for _, test := range []struct {
		name    string
		licence string
		want    map[string]string
	}{
		{"an all group", "《互联网新闻信息服务许可证》", map[string]string{"文娱/资讯广场": "required"}},
		{"one of a pick group", "《经营证券期货业务许可证》", map[string]string{"金融业/公募基金": "1 of 5", "金融业/证券/期货": "required"}},
		{"an alternative inside an item (《A》或《B》)", "《互联网药品信息服务资格证书》", map[string]string{"医疗服务/医疗器械自营": "1 of 2"}},
		{"every choice provides it, own or a partner's", "《网络预约出租汽车经营许可证》", map[string]string{"交通服务/网约车": "required"}},
		{"a route that only applies for it does not provide it", "《增值电信业务经营许可证》", map[string]string{"电商平台/电商平台": "1 of 2", "旅游服务/OTA": "1 of 2", "社交/婚恋": "required"}},
		{"a slash between names is a choice", "《机场使用许可证》", map[string]string{"交通服务/航空代理": "1 of 2"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			l, err := sfLicence(kb, test.licence)
			if err != nil {
				t.Fatal(err)
			}
			if err := sfUses(l, test.want); err != nil {
				t.Error(err)
			}
		})
	}
}
