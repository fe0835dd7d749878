package index

import "strconv"

func formatScore(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
