package main

import (
	"io/fs"
	"os"

	"github.com/qualbot/qualbot/knowledge"
)

// loadKB loads the knowledge base every subcommand works on: the one
// embedded in the binary when dir is "", else the *.yaml files below dir.
func loadKB(dir string) (*knowledge.Base, error) {
	var fsys fs.FS = knowledge.Shipped()
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
		fsys = os.DirFS(dir)
	}
	return knowledge.Load(fsys)
}
