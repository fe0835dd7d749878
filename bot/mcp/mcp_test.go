package mcp_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/mcp"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// connect starts the tools over the real index of the bot's test knowledge
// base and returns a client session on the SDK's in-memory transport.
func connect(t *testing.T) (*sdk.ClientSession, *knowledge.Base) {
	t.Helper()
	ix := transporttest.SharedIndex(t, "../testdata/kb")
	tools := &mcp.Tools{
		Answerer: &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional},
		Base:     ix.Base,
		Version:  "test",
	}
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := tools.Server().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs, ix.Base()
}

// call calls a tool and decodes its structured result into out; it
// returns the tool error's text when the tool failed.
func call(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any, out any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	if res.IsError {
		var b strings.Builder
		for _, c := range res.Content {
			if tc, ok := c.(*sdk.TextContent); ok {
				b.WriteString(tc.Text)
			}
		}
		return b.String()
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, raw)
	}
	// The text content is the same JSON, for clients without structured output.
	if len(res.Content) == 0 {
		t.Errorf("%s: no text content", name)
	}
	return ""
}

func TestListTools(t *testing.T) {
	cs, _ := connect(t)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if !hasHan(tool.Description) || !hasHan(tool.Title) {
			t.Errorf("%s: description %q and title %q must be Chinese", tool.Name, tool.Description, tool.Title)
		}
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("%s: not marked read-only", tool.Name)
		}
		in := schemaOf(t, tool.InputSchema)
		if in.Type != "object" {
			t.Errorf("%s: input schema type %q, want object", tool.Name, in.Type)
		}
		for prop, s := range in.Properties {
			if !hasHan(s.Description) {
				t.Errorf("%s.%s: property description %q is not Chinese", tool.Name, prop, s.Description)
			}
		}
		for _, req := range in.Required {
			if _, ok := in.Properties[req]; !ok {
				t.Errorf("%s: required %q is not a property", tool.Name, req)
			}
		}
		if out := schemaOf(t, tool.OutputSchema); out.Type != "object" || len(out.Properties) == 0 {
			t.Errorf("%s: output schema %+v, want an object", tool.Name, out)
		}
	}
	want := []string{mcp.ToolCategory, mcp.ToolCheck, mcp.ToolIndividual, mcp.ToolLicence, mcp.ToolSearch}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("tools = %q, want %q", names, want)
	}
	required := map[string][]string{
		mcp.ToolSearch: {"question"}, mcp.ToolCategory: {"category"}, mcp.ToolLicence: {"licence"},
		mcp.ToolCheck: {"categories"}, mcp.ToolIndividual: nil,
	}
	for _, tool := range res.Tools {
		got := schemaOf(t, tool.InputSchema).Required
		slices.Sort(got)
		if !slices.Equal(got, required[tool.Name]) {
			t.Errorf("%s: required %q, want %q", tool.Name, got, required[tool.Name])
		}
	}
}

type schema struct {
	Type        any               `json:"type"` // a name, or a list of names
	Required    []string          `json:"required"`
	Properties  map[string]schema `json:"properties"`
	Description string            `json:"description"`
}

func schemaOf(t *testing.T, v any) schema {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func TestSearch(t *testing.T) {
	cs, kb := connect(t)
	var out mcp.SearchOutput
	if msg := call(t, cs, mcp.ToolSearch, map[string]any{"question": "做直播要什么资质", "top": 3}, &out); msg != "" {
		t.Fatal(msg)
	}
	if out.Decision == "" || len(out.Hits) == 0 || len(out.Hits) > 3 || out.Reply == "" || out.Version != kb.Version {
		t.Fatalf("search = %+v", out)
	}
	for _, h := range out.Hits {
		if h.SourceDate == "" {
			t.Errorf("hit %s has no source date", h.ID)
		}
		if h.Kind == knowledge.KindCategory {
			c := kb.Category(h.ID)
			if c == nil || h.Title != c.Title() || !slices.Equal(h.Licences, bot.ViewCategory(c).Licences) {
				t.Errorf("hit %+v does not match the category", h)
			}
			for _, name := range h.Licences {
				if kb.Licence(name) == nil || !strings.HasPrefix(name, "《") {
					t.Errorf("hit %s: licence %q is not an exact official name", h.ID, name)
				}
			}
		}
	}
	for _, bad := range []map[string]any{{"question": ""}, {"question": strings.Repeat("长", 600)}, {"question": "x", "top": 99}} {
		if msg := call(t, cs, mcp.ToolSearch, bad, &out); !hasHan(msg) {
			t.Errorf("search %v: tool error %q, want a Chinese message", bad, msg)
		}
	}
	// A missing required argument is refused by the schema.
	if res, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: mcp.ToolSearch, Arguments: map[string]any{}}); err == nil && !res.IsError {
		t.Error("search without a question succeeded")
	}
}

func TestCategory(t *testing.T) {
	cs, kb := connect(t)
	c := kb.Category("社交/直播")
	for _, name := range []string{"社交/直播", "社交-直播", "【社交-直播】"} {
		var out mcp.CategoryOutput
		if msg := call(t, cs, mcp.ToolCategory, map[string]any{"category": name}, &out); msg != "" {
			t.Fatalf("%s: %s", name, msg)
		}
		if out.ID != c.ID() || len(out.Requirements) != len(c.Requirements) || out.SourceDate == "" || !strings.Contains(out.Reply, c.Title()) {
			t.Errorf("%s: %+v", name, out)
		}
		for i, g := range c.Requirements {
			for j, it := range g.Items {
				if out.Requirements[i].Items[j].Text != strings.TrimSpace(it.Text) {
					t.Errorf("item %d.%d = %q, want the official text", i, j, out.Requirements[i].Items[j].Text)
				}
			}
		}
	}
	var out mcp.CategoryOutput
	msg := call(t, cs, mcp.ToolCategory, map[string]any{"category": "社交直播"}, &out)
	if !hasHan(msg) || !strings.Contains(msg, "社交/直播") {
		t.Errorf("an unknown category: %q, want a Chinese error naming the closest, 社交/直播", msg)
	}
}

func TestLicence(t *testing.T) {
	cs, kb := connect(t)
	l := kb.Licence("EDI")
	for _, name := range []string{"EDI", l.Name, "edi"} {
		var out mcp.LicenceOutput
		if msg := call(t, cs, mcp.ToolLicence, map[string]any{"licence": name}, &out); msg != "" {
			t.Fatalf("%s: %s", name, msg)
		}
		if out.Name != l.Name || len(out.Categories) != len(l.Categories) || out.SourceDate == "" {
			t.Errorf("%s: %+v", name, out)
		}
	}
	var out mcp.LicenceOutput
	if msg := call(t, cs, mcp.ToolLicence, map[string]any{"licence": "驾驶证"}, &out); !hasHan(msg) {
		t.Errorf("unknown licence: %q", msg)
	}
}

func TestCheck(t *testing.T) {
	cs, kb := connect(t)
	c := kb.Category("社交/直播")
	held := c.Requirements[0].Items[0].Licences[0]
	var none, some mcp.CheckOutput
	call(t, cs, mcp.ToolCheck, map[string]any{"categories": []string{"社交/直播"}}, &none)
	if len(none.Results) != 1 || none.Results[0].Complete || len(none.Results[0].Missing) == 0 {
		t.Fatalf("nothing held: %+v", none)
	}
	if msg := call(t, cs, mcp.ToolCheck, map[string]any{"categories": []string{"社交-直播"}, "have": []string{held.Name, "一张桌子"}}, &some); msg != "" {
		t.Fatal(msg)
	}
	r := some.Results[0]
	if !slices.Equal(r.Have, []string{held.Name}) || !slices.Equal(r.Unrecognised, []string{"一张桌子"}) {
		t.Errorf("check = %+v", r)
	}
	if len(r.Missing) >= len(none.Results[0].Missing) {
		t.Errorf("holding %s closed no requirement group: %+v", held.Name, r.Missing)
	}
	if msg := call(t, cs, mcp.ToolCheck, map[string]any{"categories": []string{}}, &some); !hasHan(msg) {
		t.Errorf("no categories: %q", msg)
	}
}

func TestIndividual(t *testing.T) {
	cs, kb := connect(t)
	var out mcp.IndividualOutput
	if msg := call(t, cs, mcp.ToolIndividual, map[string]any{}, &out); msg != "" {
		t.Fatal(msg)
	}
	var want []string
	for _, c := range kb.Categories {
		if slices.Contains(c.Subjects, knowledge.Individual) {
			want = append(want, c.ID())
		}
	}
	var got []string
	for _, g := range out.Groups {
		for _, c := range g.Categories {
			got = append(got, c.ID)
		}
	}
	if !slices.Equal(got, want) || out.Count != len(want) || len(want) == 0 || len(want) == len(kb.Categories) || out.SourceDate == "" {
		t.Errorf("individual = %q (count %d, date %q), want %q", got, out.Count, out.SourceDate, want)
	}
	var social mcp.IndividualOutput
	call(t, cs, mcp.ToolIndividual, map[string]any{"group": "社交"}, &social)
	for _, g := range social.Groups {
		if g.Name != "社交" {
			t.Errorf("group filter kept %s", g.Name)
		}
	}
}
