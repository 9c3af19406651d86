package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

// BenchmarkUsageIngest posts batches of 1,000 records with fresh keys to
// POST /api/v1/usage, in process, and reports records per second: the
// handler's and the store's share of what make bench measures over a
// real socket.
func BenchmarkUsageIngest(b *testing.B) {
	raw, err := os.ReadFile(templateDB)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv := web.New(db, web.Config{SessionKey: []byte(strings.Repeat("k", 32)), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	call := func(method, path, token, body string, want int) []byte {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Host = acmeHost
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s = %d %s", method, path, rec.Code, excerpt(rec.Body.String()))
		}
		return rec.Body.Bytes()
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(call(http.MethodPost, "/api/v1/auth/token", "",
		fmt.Sprintf(`{"email":%q,"password":%q}`, cobaltOwner, store.DemoPassword), http.StatusCreated), &tok); err != nil {
		b.Fatal(err)
	}
	accounts := call(http.MethodGet, "/api/v1/accounts?q=Cobalt", tok.Token, "", http.StatusOK)
	var list struct{ Items []struct{ ID string } }
	if err := json.Unmarshal(accounts, &list); err != nil || len(list.Items) != 1 {
		b.Fatalf("Cobalt Law: %s %v", accounts, err)
	}
	var infra struct{ ID string }
	if err := json.Unmarshal(call(http.MethodPost, "/api/v1/accounts/"+list.Items[0].ID+"/infrastructures", tok.Token,
		`{"name":"bench"}`, http.StatusCreated), &infra); err != nil {
		b.Fatal(err)
	}
	end := time.Now().UTC().Add(-time.Hour).Truncate(time.Hour)
	period := fmt.Sprintf(`"start":%q,"end":%q`, end.Add(-time.Minute).Format(time.RFC3339), end.Format(time.RFC3339))
	bodies := make([]string, b.N)
	for n := range bodies {
		var sb strings.Builder
		sb.WriteString(`{"records":[`)
		for i := range 1000 {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"infrastructure_id":%q,"metric":"network.egress","quantity":"0.25",%s,"idempotency_key":"b%d-%d"}`,
				infra.ID, period, n, i)
		}
		sb.WriteString(`]}`)
		bodies[n] = sb.String()
	}
	b.ResetTimer()
	for n := range b.N {
		if out := call(http.MethodPost, "/api/v1/usage", tok.Token, bodies[n], http.StatusOK); !strings.HasPrefix(string(out), `{"accepted":1000,`) {
			b.Fatalf("batch %d = %s", n, excerpt(string(out)))
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "records/s")
}
