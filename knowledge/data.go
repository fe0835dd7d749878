package knowledge

import (
	"embed"
	"io/fs"
)

//go:embed data
var data embed.FS

// Shipped returns the knowledge base that ships inside the binary, rooted at
// knowledge/data: its files are named like "categories/01-社交.yaml".
// Pass it to [Load]; a directory given at run time replaces it.
func Shipped() fs.FS {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		panic("knowledge: embedded data: " + err.Error()) // cannot happen: "data" is a valid path
	}
	return sub
}
