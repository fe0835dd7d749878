// Package index implements [knowledge.Searcher] with an in-memory bleve index
// and Chinese analysis. It is the only package that imports bleve; bleve
// types never leave it. It never imports bot or openwechat.
//
// Documents and questions are analysed alike: full-width folding,
// Traditional→Simplified (a table generated from OpenCC's t2s), lower case,
// then word segmentation (gse's dictionary cut, reimplemented over a sorted
// word list) over a trimmed general dictionary (dict/) plus the knowledge base's own
// words; documents also index the dictionary words inside longer words. A
// question is first read by the knowledge base's intents rules, once, into
// a [knowledge.Ask] (intent.go). It additionally loses its boilerplate (the
// intents set "stop": 小程序, 需要, 什么, 资质…),
// gains the meanings of its synonyms, and is matched against every name of
// the knowledge base it contains; a one- or two-character question also
// matches as a prefix. The question only ever becomes term and prefix
// queries, never query syntax. The decision (confident, ambiguous or none)
// comes from the score, how much of the question the top hit covers, and
// the margin to the runner-up; the numbers are [Params] (see decide.go and
// TestDevQuestions). An ambiguous result's hits are the choices the bot
// offers (choices), and a whole-group question's hits are the group's
// categories.
//
// The index of the shipped knowledge base is built ahead of time and
// embedded (snapshot.go): a process serving it opens that instead of
// analysing every document. Any other knowledge base is built. A reload
// after an edit replaces only the documents the edit changed, when the
// knowledge base's words are the same (update.go); otherwise it builds the
// index again beside the one serving.
package index
