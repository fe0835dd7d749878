// Package index implements [knowledge.Searcher] with an in-memory bleve index
// and Chinese analysis. It is the only package that imports bleve and the
// segmenter; bleve types never leave it. It never imports bot or openwechat.
package index
