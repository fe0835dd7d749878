//go:build !unix

package bot

// oNoFollow is not available here; UnansweredLog checks the file it opened.
const oNoFollow = 0
