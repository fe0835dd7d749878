package bot

import (
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// TestItemShort: a lead quotes a long requirement item only up to a whole
// name, never ending inside 《》, （） or “”.
func TestItemShort(t *testing.T) {
	long := "(1)《增值电信业务经营许可证》（核准服务项目包含“在线数据处理与交易处理业务”，且业务覆盖范围包含申请主体所在地）(2)平台规则"
	got := itemShort(knowledge.Item{Text: long})
	if !strings.HasSuffix(got, ellipsis) || len([]rune(got)) > tuning.itemRunes {
		t.Fatalf("itemShort = %q, want a cut with %q within %d runes", got, ellipsis, tuning.itemRunes)
	}
	body := strings.TrimSuffix(got, ellipsis)
	for _, p := range [][2]string{{"《", "》"}, {"（", "）"}, {"“", "”"}} {
		if strings.Count(body, p[0]) != strings.Count(body, p[1]) {
			t.Errorf("itemShort = %q: an open %s is not closed", got, p[0])
		}
	}
	if short := "《食品经营许可证》"; itemShort(knowledge.Item{Text: short}) != short {
		t.Errorf("a short item is cut: %q", itemShort(knowledge.Item{Text: short}))
	}
}
