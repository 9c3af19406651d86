package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenantry/tenantry/internal/usage"
	"github.com/tenantry/tenantry/store"
)

// The demo customer whose integration posts usage, on its vendor's domain.
const (
	ingestHost  = "acme.localhost"
	ingestEmail = "owner@bluebakery.example"
	batchSize   = 1000
	// ingestTarget is issue 11's: records/s over HTTP on this 2-core machine
	ingestTarget = 50_000
)

type client struct {
	http  *http.Client
	base  string
	host  string
	token string
}

func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	return c.raw(ctx, method, path, r, out)
}

func (c *client) raw(ctx context.Context, method, path string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Host = c.host
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func signIn(ctx context.Context, base, host, email string, workers int) (*client, error) {
	c := &client{base: base, host: host, http: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}}
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/auth/token", map[string]string{"email": email,
		"password": store.DemoPassword, "name": "bench"}, &tok); err != nil {
		return nil, err
	}
	c.token = tok.Token
	return c, nil
}

type ingestAnswer struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Rejected   []struct {
		Index   int    `json:"index"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"rejected"`
}

// benchIngest posts 1,000-record batches of fresh idempotency keys from
// several clients for d, with an account API key (usage:write), and measures the raw INSERT floor for as long in
// a scratch database of the same schema.
func benchIngest(ctx context.Context, srv *server, dir string, d time.Duration, workers int, w io.Writer) ([]Result, error) {
	c, err := signIn(ctx, srv.base, ingestHost, ingestEmail, workers)
	if err != nil {
		return nil, err
	}
	var infras struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/infrastructures", nil, &infras); err != nil {
		return nil, err
	}
	if len(infras.Items) == 0 {
		return nil, fmt.Errorf("%s reaches no infrastructure on %s", ingestEmail, ingestHost)
	}
	infra := infras.Items[0].ID
	// the integration posts with an account API key, as issue 11 means it to
	var me struct {
		Accounts []struct {
			ID   string `json:"id"`
			Role string `json:"role"`
		} `json:"accounts"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/me", nil, &me); err != nil {
		return nil, err
	}
	if len(me.Accounts) == 0 {
		return nil, fmt.Errorf("%s has no account on %s", ingestEmail, ingestHost)
	}
	var key struct {
		Key string `json:"key"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/accounts/"+me.Accounts[0].ID+"/api-keys",
		map[string]any{"name": "bench", "scopes": []string{"usage:write"}}, &key); err != nil {
		return nil, err
	}
	c.token = key.Key
	end := time.Now().UTC().Truncate(time.Minute).Add(-time.Minute)
	start := end.Add(-time.Minute)
	if usage.MonthStart(start) != usage.MonthStart(end.Add(-time.Millisecond)) {
		start = usage.MonthStart(end.Add(-time.Millisecond))
	}
	// the load generator must cost the server's two cores as little as it
	// can: bodies are appended by hand, not through encoding/json
	prefix := `{"infrastructure_id":"` + infra + `","metric":"network.egress","start":"` + start.Format(time.RFC3339) +
		`","end":"` + end.Format(time.RFC3339) + `","quantity":"`
	batch := func(worker, n int) []byte {
		b := make([]byte, 0, batchSize*(len(prefix)+64))
		b = append(b, `{"records":[`...)
		for i := range batchSize {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, prefix...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, '.')
			b = strconv.AppendInt(b, int64(100+n%900), 10)
			b = append(b, `","idempotency_key":"bench-`...)
			b = strconv.AppendInt(b, int64(worker), 10)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `"}`...)
		}
		return append(b, "]}"...)
	}
	post := func(body []byte) error {
		var ans ingestAnswer
		if err := c.raw(ctx, http.MethodPost, "/api/v1/usage", bytes.NewReader(body), &ans); err != nil {
			return err
		}
		if ans.Accepted != batchSize {
			return fmt.Errorf("accepted %d of %d: %+v", ans.Accepted, batchSize, ans.Rejected)
		}
		return nil
	}
	if err := post(batch(-1, 0)); err != nil { // warm up: the first request opens the pools
		return nil, err
	}
	var records atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	began := time.Now()
	stopAt := began.Add(d)
	for wk := range workers {
		wg.Go(func() {
			for n := 0; time.Now().Before(stopAt) && ctx.Err() == nil; n++ {
				body := batch(wk, n) // built outside the timed request, like a client that batches ahead
				if err := post(body); err != nil {
					failed.Store(err)
					return
				}
				records.Add(batchSize)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	if err, _ := failed.Load().(error); err != nil {
		return nil, err
	}
	rate := float64(records.Load()) / elapsed.Seconds()
	fmt.Fprintf(w, "ingestion: %d records in %s from %d clients\n", records.Load(), elapsed.Round(time.Millisecond), workers)

	floor, err := rawFloor(ctx, filepath.Join(dir, "floor.db"), d)
	if err != nil {
		return nil, fmt.Errorf("raw INSERT floor: %w", err)
	}
	met := rate >= ingestTarget
	return []Result{{Name: "usage ingestion over HTTP, 1,000-record batches, API key", Value: rate, Unit: "records/s",
		Baseline: "raw multi-row INSERTs, 1,000 a transaction", BaselineValue: floor, Ratio: rate / floor,
		Target: fmt.Sprintf("≥ %d records/s", ingestTarget), Met: &met}}, nil
}

// rawFloor writes records with plain INSERTs into a scratch copy of the
// demo schema for d and returns records/s.
func rawFloor(ctx context.Context, path string, d time.Duration) (float64, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.System("bench").LoadDemo(ctx); err != nil {
		return 0, err
	}
	began := time.Now()
	n, err := db.RawUsageInserts(ctx, d, batchSize)
	if err != nil {
		return 0, err
	}
	return float64(n) / time.Since(began).Seconds(), nil
}
