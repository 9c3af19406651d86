package web

import (
	"encoding/csv"
	"iter"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// streamCSV is the one CSV writer of every export: it answers text/csv
// (as an attachment named filename, unless that is ""), the header row,
// then each row rows yields. Rows stream out as they come, so an export
// bigger than a page needs no buffer; an error rows yields after the
// first bytes went out ends the response where it is and is returned, for
// the error handler to log (the status is already sent). Every exporter
// passes user-typed text through csvSafe.
func streamCSV(c echo.Context, filename string, header []string, rows iter.Seq2[[]string, error]) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	if filename != "" {
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	}
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	if err := w.Write(header); err != nil {
		return err
	}
	for row, err := range rows {
		if err != nil {
			w.Flush() // what was read goes out; the error is the log's
			return err
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// writeCSV answers rows already in memory under a header row as text/csv.
func writeCSV(c echo.Context, header []string, rows [][]string) error {
	return streamCSV(c, "", header, csvRows(rows))
}

// csvRows yields rows in memory, never an error.
func csvRows(rows [][]string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// csvSafe defuses spreadsheet formulas in user-typed text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
