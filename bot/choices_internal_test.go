package bot

import (
	"fmt"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// TestCloseHits checks which hits a list of choices offers: those close to
// the top, plus the first hit of a kind they lack when it is among the first
// three.
func TestCloseHits(t *testing.T) {
	topic := func(id string, score float64) knowledge.Hit {
		return knowledge.Hit{Kind: knowledge.KindTopic, Topic: &knowledge.Topic{ID: id}, Score: score}
	}
	cat := func(name string, score float64) knowledge.Hit {
		return knowledge.Hit{Kind: knowledge.KindCategory, Category: &knowledge.Category{Path: []string{"文娱", name}}, Score: score}
	}
	for _, tc := range []struct {
		name string
		hits []knowledge.Hit
		want string
	}{
		{"close hits only", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), topic("审核驳回", 2)}, "[备案 ICP]"},
		{"a category third joins two topics", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), cat("其他视频", 2)}, "[备案 ICP 文娱/其他视频]"},
		{"a category fourth does not", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), topic("审核驳回", 2), cat("其他视频", 2)}, "[备案 ICP]"},
		{"both kinds close", []knowledge.Hit{cat("音乐", 10), topic("备案", 9), cat("其他视频", 1)}, "[文娱/音乐 备案]"},
	} {
		var got []string
		for _, h := range closeHits(tc.hits) {
			got = append(got, h.ID())
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, got, tc.want)
		}
	}
}

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
