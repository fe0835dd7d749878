package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/qualbot/qualbot/knowledge"
)

// loadKB loads the knowledge base every subcommand works on: the one
// embedded in the binary when dir is "", else the *.yaml files below dir.
func loadKB(dir string) (*knowledge.Base, error) {
	return loadKBContext(context.Background(), dir)
}

// shippedBase is the embedded knowledge base, parsed on first use. Its
// files cannot change while the program runs, so a /reindex without a
// knowledge directory reuses it (a knowledge.Base is never modified).
var shippedBase = sync.OnceValues(func() (*knowledge.Base, error) {
	return knowledge.Load(knowledge.Shipped())
})

// loadKBContext is loadKB stopped by ctx. Files are read through an
// [os.Root], so nothing outside dir is ever opened.
func loadKBContext(ctx context.Context, dir string) (*knowledge.Base, error) {
	if dir == "" {
		return shippedBase()
	}
	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		// Name the directory as the operator gave it: "knowledge
		// directory kb: no such file or directory".
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("knowledge directory %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("knowledge directory %s: %w", dir, err)
	}
	defer root.Close()
	return knowledge.LoadContext(ctx, root.FS(), knowledge.DefaultLimits)
}
