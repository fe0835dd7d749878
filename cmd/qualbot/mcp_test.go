package main

import (
	"context"
	"io"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestMCP runs qualbot mcp as an agent would, over its stdin and stdout,
// and lists and calls its tools.
func TestMCP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"mcp", "--kb", goodKB}, inR, outW, io.Discard)
		outW.Close()
	}()
	defer func() {
		cancel()
		inW.Close()
		if err := <-done; err != nil {
			t.Errorf("mcp: %v", err)
		}
	}()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).
		Connect(ctx, &sdk.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if got := cs.InitializeResult().ServerInfo.Name; got != "qualbot" {
		t.Errorf("server name %q", got)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) != 5 {
		t.Fatalf("tools/list: %d tools, %v", len(tools.Tools), err)
	}
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "licence_categories", Arguments: map[string]any{"licence": "EDI"}})
	if err != nil || res.IsError {
		t.Fatalf("tools/call: %+v, %v", res, err)
	}
	if m, ok := res.StructuredContent.(map[string]any); !ok || m["name"] != "《增值电信业务经营许可证》" {
		t.Errorf("licence_categories EDI = %v", res.StructuredContent)
	}
}
