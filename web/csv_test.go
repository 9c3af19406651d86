package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// csvServer serves one export route through the server's own request log
// and error handler, logging into a buffer.
func csvServer(t *testing.T, h echo.HandlerFunc) (*httptest.ResponseRecorder, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	e := echo.New()
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestLog)
	e.GET("/export", h)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export", nil))
	return rec, &logs
}

func TestStreamCSV(t *testing.T) {
	rows := [][]string{{"1", csvSafe("=cmd()")}, {"2", "b, with comma"}}
	rec, _ := csvServer(t, func(c echo.Context) error {
		return streamCSV(c, "things.csv", []string{"id", "name"}, csvRows(rows))
	})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if got := rec.Header().Get(echo.HeaderContentType); got != "text/csv; charset=utf-8" {
		t.Errorf("content type = %q", got)
	}
	if got, want := rec.Header().Get(echo.HeaderContentDisposition), `attachment; filename="things.csv"`; got != want {
		t.Errorf("disposition = %q, want %q", got, want)
	}
	got, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"id", "name"}, {"1", "'=cmd()"}, {"2", "b, with comma"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("csv = %q, want %q", got, want)
	}

	t.Run("NoFilename", func(t *testing.T) {
		rec, _ := csvServer(t, func(c echo.Context) error { return writeCSV(c, []string{"id"}, nil) })
		if d := rec.Header().Get(echo.HeaderContentDisposition); d != "" || rec.Body.String() != "id\n" {
			t.Errorf("disposition %q, body %q; want none and the header row only", d, rec.Body.String())
		}
	})
}

// TestStreamCSVFailsHalfway: an export whose source fails after rows went
// out keeps its 200 and the rows sent, and the error is logged with the
// method, path and request id instead of vanishing.
func TestStreamCSVFailsHalfway(t *testing.T) {
	boom := errors.New("page two: database is locked")
	rec, logs := csvServer(t, func(c echo.Context) error {
		return streamCSV(c, "", []string{"id"}, func(yield func([]string, error) bool) {
			if yield([]string{"first"}, nil) {
				yield(nil, boom)
			}
		})
	})
	if rec.Code != http.StatusOK || rec.Body.String() != "id\nfirst\n" {
		t.Fatalf("got %d %q, want 200 with the rows read before the failure", rec.Code, rec.Body.String())
	}
	rid := rec.Header().Get(echo.HeaderXRequestID)
	var logged map[string]any
	for line := range strings.Lines(logs.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["level"] == "ERROR" {
			logged = m
		}
	}
	if logged == nil {
		t.Fatalf("no error logged; logs:\n%s", logs)
	}
	for k, want := range map[string]string{"method": "GET", "path": "/export", "request_id": rid, "error": boom.Error()} {
		if got, _ := logged[k].(string); got != want || want == "" {
			t.Errorf("logged %s = %q, want %q", k, got, want)
		}
	}
}
