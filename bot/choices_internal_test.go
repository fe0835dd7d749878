package bot

import (
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

func TestRenderGroup(t *testing.T) {
	hits := []knowledge.Hit{
		{Kind: knowledge.KindCategory, Category: &knowledge.Category{Path: []string{"工具", "记账"}, Subjects: []knowledge.Subject{knowledge.Individual, knowledge.Enterprise}}},
		{Kind: knowledge.KindCategory, Category: &knowledge.Category{Path: []string{"工具", "云手机"}, Subjects: []knowledge.Subject{knowledge.Enterprise}}},
	}
	want := "【工具】下有2个类目，各自要的资质不同。请说说具体做什么业务，或回复序号查看：\n1. 记账（个人可选）\n2. 云手机"
	if got := renderGroup("工具", hits); got != want {
		t.Errorf("renderGroup:\n got %q\nwant %q", got, want)
	}
}
