package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/qualbot/qualbot/knowledge"
)

// loadKB loads the knowledge base every subcommand works on: the one
// embedded in the binary when dir is "", else the *.yaml files below dir.
func loadKB(dir string) (*knowledge.Base, error) {
	var fsys fs.FS = knowledge.Shipped()
	if dir != "" {
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
		fsys = os.DirFS(dir)
	}
	return knowledge.Load(fsys)
}
