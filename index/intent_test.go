package index

import (
	"context"
	"fmt"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

func TestAsksAboutProcess(t *testing.T) {
	testPredicate(t, "asksAboutProcess", asksAboutProcess, map[string]bool{
		"为何审核还是未通过":       true,
		"上线失败,请问是什么原因呢":   true,
		"限制7日内再提审,这个怎么取消": true,
		"审核不通过怎么办":        true,
		"做直播要什么证":         false,
		"审核说要补充社区/论坛类目":   false, // names a category, asks nothing about the review
		"为什么说我的商品是保健品":    false, // asks why, but of no review
		"小程序备案要多久":        false,
		"登录失败":            false,
	})
}

func TestDiversify(t *testing.T) {
	cat := func(id string, score float64) scored {
		return scored{id: id, hit: knowledge.Hit{Kind: knowledge.KindCategory, Score: score}}
	}
	topic := func(id string, score float64) scored {
		return scored{id: id, hit: knowledge.Hit{Kind: knowledge.KindTopic, Score: score}}
	}
	ids := func(hs []scored) (s []string) {
		for _, h := range hs {
			s = append(s, h.id)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		in   []scored
		want string
	}{
		{"a close category joins three topics", []scored{topic("a", 10), topic("b", 9), topic("c", 8), topic("d", 7), cat("e", 2)}, "[a b e c d]"},
		{"a distant category does not", []scored{topic("a", 10), topic("b", 9), topic("c", 8), cat("d", 0.5)}, "[a b c d]"},
		{"a topic joins three categories", []scored{cat("a", 10), cat("b", 9), cat("c", 8), topic("d", 3)}, "[a b d c]"},
		{"both kinds already shown", []scored{cat("a", 10), topic("b", 9), cat("c", 8), topic("d", 7)}, "[a b c d]"},
		{"too few hits", []scored{topic("a", 10), topic("b", 9), cat("c", 8)}, "[a b c]"},
	} {
		diversify(tc.in)
		if got := fmt.Sprint(ids(tc.in)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestAboutOtherPlatform(t *testing.T) {
	testPredicate(t, "aboutOtherPlatform", aboutOtherPlatform, map[string]bool{
		"抖音小程序上短剧要办什么资质":      true,
		"支付宝的小程序类目怎么选":        true,
		"QQ小游戏要版号吗":           true,
		"调用tt.requestOrder报错": true,
		"做个像抖音一样的短视频小程序":      false,
		"微信小程序直播要什么证":         false,
		"attention":           false,
	})
}

// TestSearch_Group checks which questions ask about a whole first-level
// group of the shipped knowledge base.
func TestSearch_Group(t *testing.T) {
	ix := mustBuild(t, shippedBase(t))
	for q, want := range map[string]string{
		"教育类的小程序需要什么证":    "教育服务",
		"醫療類小程序要什麼資質":     "医疗服务",
		"社交类目要什么资质":       "社交",
		"金融类小程序个人能做吗":     "金融业",
		"医疗类的互联网医院要什么证":   "", // names a category of the group
		"电商平台类目要交啥材料":     "", // the group's name is its category's
		"社交类目审核要多久":       "", // names a topic
		"社交":              "", // no 类: a name like any other
		"抖音小程序的社交类目要什么资质": "", // another platform
	} {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if res.Group != want {
			t.Errorf("Search(%q).Group = %q, want %q", q, res.Group, want)
		}
		if want != "" && res.Decision != knowledge.Ambiguous {
			t.Errorf("Search(%q).Decision = %s, want ambiguous", q, res.Decision)
		}
		if want != "" && (len(res.Hits) == 0 || res.Hits[0].Kind != knowledge.KindCategory || res.Hits[0].Category.Path[0] != want) {
			t.Errorf("Search(%q): first hit %v is not a category of %s", q, res.Hits, want)
		}
	}
}

func TestAsksForCategory(t *testing.T) {
	testPredicate(t, "asksForCategory", asksForCategory, map[string]bool{
		"二手家电上门回收的小程序，类目选哪个":              true,
		"给猫狗洗澡美容的店想做个预约小程序，要啥资质不":         true,
		"城际拼车小程序，需要什么手续？":                 true,
		"卖血压计的小程序,要啥证":                    true,
		"获取不同类型主体可设置的类目这个接口啊,难道是微信新增加的吗?": false,
		"微信支付商户号开户时经营类目选错了，在哪改？":          false,
		"今天天气怎么样": false,
	})
}

// testPredicate checks a predicate on normalised questions.
func testPredicate(t *testing.T, name string, f func(string) bool, cases map[string]bool) {
	t.Helper()
	for q, want := range cases {
		if got := f(normalize(q)); got != want {
			t.Errorf("%s(%q) = %v, want %v", name, q, got, want)
		}
	}
}
