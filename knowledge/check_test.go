package knowledge_test

import (
	"slices"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// TestCheck compares what a user has with what shipped categories need.
func TestCheck(t *testing.T) {
	t.Parallel()
	kb := mustLoad(t, knowledge.Shipped())
	lic := func(name string) *knowledge.Licence {
		t.Helper()
		l := kb.Licence(name)
		if l == nil {
			t.Fatalf("no licence %s in the shipped data", name)
		}
		return l
	}
	live := kb.Category("社交", "直播")
	shop := kb.Category("电商平台", "电商平台")
	if live == nil || shop == nil {
		t.Fatal("社交/直播 or 电商平台/电商平台 missing from the shipped data")
	}
	av, icp, culture := lic("信息网络传播视听节目许可证"), lic("增值电信业务经营许可证"), lic("网络文化经营许可证")
	for _, test := range []struct {
		name      string
		c         *knowledge.Category
		have      []*knowledge.Licence
		done      bool
		missing   int // requirement groups still open
		pick      int // of the first open group, how many more are needed
		materials int
		unused    []*knowledge.Licence
	}{
		{"nothing held: one of three", live, nil, false, 1, 1, 0, nil},
		{"one of the pick group", live, []*knowledge.Licence{av}, true, 0, 0, 0, nil},
		{"an unrelated licence counts for nothing", live, []*knowledge.Licence{culture}, false, 1, 1, 0, []*knowledge.Licence{culture}},
		{"a licence that is one part of an item leaves the rest to prepare", shop, []*knowledge.Licence{icp}, true, 0, 0, 1, nil},
		{"extra licences are named", shop, []*knowledge.Licence{icp, av}, true, 0, 0, 1, []*knowledge.Licence{av}},
	} {
		t.Run(test.name, func(t *testing.T) {
			ck := test.c.Check(test.have)
			if ck.Done() != test.done || len(ck.Missing) != test.missing || len(ck.Materials) != test.materials {
				t.Errorf("Check: done %v, %d missing, %d materials; want %v, %d, %d (%+v)",
					ck.Done(), len(ck.Missing), len(ck.Materials), test.done, test.missing, test.materials, ck)
			}
			if test.missing > 0 && len(ck.Missing) > 0 && ck.Missing[0].Pick != test.pick {
				t.Errorf("first open group needs %d more, want %d", ck.Missing[0].Pick, test.pick)
			}
			if !slices.Equal(ck.Unused, test.unused) {
				t.Errorf("Unused = %v, want %v", ck.Unused, test.unused)
			}
		})
	}
}
