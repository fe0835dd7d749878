package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The fields of an indexed document.
const (
	fieldTitle = "title" // a category's path, a licence's name, a topic's title
	fieldNames = "names" // aliases, keywords, short names: what users call it
	fieldBody  = "body"  // description, notes, requirements, about, topic body
	fieldExact = "exact" // every name as one whole term, for short questions
)

// The analyzers a mapping defines.
const (
	analyzerIndex = "zh_index" // documents: segmentation with sub-words
	analyzerQuery = "zh_query" // questions: segmentation without boilerplate
	analyzerExact = "zh_exact"
)

// analysisMode selects the Chinese analysis: word segmentation, or the cjk
// bigram fallback (kept for measurement side by side).
type analysisMode int

const (
	modeSegment analysisMode = iota
	modeBigram
)

// newMapping returns the index mapping. segID names the segmenter of this
// knowledge base (see registerSegmenter); it is unused in bigram mode.
// recID, when not empty, names the recorder of the index analyzer's terms
// (see termRecorder). stop are the words the query analyzer drops (the
// intents set "stop").
func newMapping(mode analysisMode, segID, recID string, stop []string) (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	var index, query map[string]interface{}
	switch mode {
	case modeBigram:
		index = map[string]interface{}{"type": zhCJKType}
		query = map[string]interface{}{"type": zhCJKType, "stop": stop}
	default:
		index = map[string]interface{}{"type": zhAnalyzerType, "segmenter": segID, "max_word": true}
		query = map[string]interface{}{"type": zhAnalyzerType, "segmenter": segID, "stop": stop}
	}
	if recID != "" {
		index = map[string]interface{}{"type": recordedType, "recorder": recID, "analyzer": index}
	}
	for name, config := range map[string]map[string]interface{}{
		analyzerIndex: index,
		analyzerQuery: query,
		analyzerExact: {"type": zhKeywordType},
	} {
		if err := m.AddCustomAnalyzer(name, config); err != nil {
			return nil, err
		}
	}
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(analyzerIndex))
	doc.AddFieldMappingsAt(fieldNames, text(analyzerIndex))
	doc.AddFieldMappingsAt(fieldBody, text(analyzerIndex))
	doc.AddFieldMappingsAt(fieldExact, text(analyzerExact))
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerIndex
	return m, nil
}
