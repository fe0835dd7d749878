package qualbot_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestLayering enforces the import direction cmd → bot/wechat → bot → knowledge ← index.
func TestLayering(t *testing.T) {
	const mod = "github.com/qualbot/qualbot/"
	forbidden := map[string][]string{
		"knowledge":  {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/longbridgeapp/", mod},
		"index":      {"github.com/eatmoreapple/", mod + "bot", mod + "cmd"},
		"bot":        {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/prometheus/", mod + "index", mod + "cmd"},
		"bot/wechat": {"github.com/blevesearch/", "github.com/go-ego/", "github.com/prometheus/", mod + "index", mod + "cmd"},
		// The official channels: each the only importer of its protocol
		// library, and neither of openwechat nor of the index.
		"bot/kf":       {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/prometheus/", "github.com/coder/", mod + "index", mod + "cmd"},
		"bot/wecombot": {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/prometheus/", "github.com/silenceper/", mod + "index", mod + "cmd"},
		"bot/httpapi":  {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/prometheus/", "github.com/modelcontextprotocol/", mod + "index", mod + "cmd"},
		"bot/mcp":      {"github.com/blevesearch/", "github.com/eatmoreapple/", "github.com/go-ego/", "github.com/prometheus/", mod + "index", mod + "cmd", mod + "bot/httpapi"},
	}
	for dir, bad := range forbidden {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, imp := range pkg.Imports {
			for _, b := range bad {
				if strings.HasPrefix(imp, b) {
					t.Errorf("%s imports %s, which its layer forbids", dir, imp)
				}
			}
		}
	}
}
