package main

import (
	"sync"

	"github.com/qualbot/qualbot/index"
)

// The shipped index is built once per test binary: every command a test
// runs on the embedded knowledge base serves it. A /reindex there reloads
// it with the same embedded base, so the tests that share it read the same
// answers whatever runs beside them.
func init() {
	shippedIndex = sync.OnceValues(func() (*index.Index, error) {
		kb, err := loadKB("")
		if err != nil {
			return nil, err
		}
		return index.Build(kb)
	})
}
