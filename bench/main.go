// Command bench measures Tenantry against the real server, built as
// bin/tenantry and started on 127.0.0.1 with demo data in a scratch
// database, and prints one table: each figure beside the baseline that
// bounds it, measured in the same run, and their ratio. The table is also
// written as JSON (bench/results.json by default). Everything it starts it
// stops, and it finishes by itself: each section runs for -duration.
//
//	make bench            # go test benchmarks, then this
//	go run ./bench -binary bin/tenantry -duration 10s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"text/tabwriter"
	"time"
)

// Result is one row of the table.
type Result struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline string  `json:"baseline"`
	// BaselineValue is the figure that bounds Value on this machine,
	// measured in the same run; Ratio is Value / BaselineValue.
	BaselineValue float64 `json:"baseline_value"`
	Ratio         float64 `json:"ratio"`
	// Target is the goal, as text ("≥ 50000 records/s"); Met
	// says whether Value reaches it.
	Target string `json:"target,omitempty"`
	Met    *bool  `json:"met,omitempty"`
	Notes  string `json:"notes,omitempty"`
}

func main() {
	binary := flag.String("binary", "bin/tenantry", "the portal `binary` to start")
	duration := flag.Duration("duration", 10*time.Second, "how long each section runs")
	workers := flag.Int("workers", 4, "concurrent clients posting usage")
	out := flag.String("out", "bench/results.json", "write the results as JSON to this `file`")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *binary, *duration, *workers, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, binary string, d time.Duration, workers int, out string, w io.Writer) error {
	dir, err := os.MkdirTemp("", "tenantry-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(ctx, binary, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(w, "server %s on %s (pid %d), %s per section\n", binary, srv.base, srv.cmd.Process.Pid, d)

	var results []Result
	ing, err := benchIngest(ctx, srv, dir, d, workers, w)
	if err != nil {
		return fmt.Errorf("ingestion: %w", err)
	}
	results = append(results, ing...)
	results = append(results, Result{Name: "server RSS, peak", Value: float64(srv.peakRSS()) / (1 << 20), Unit: "MiB",
		Baseline: "—", Notes: "VmHWM of the server process after every section"})

	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "measure\tvalue\tunit\tbaseline\tbaseline value\tratio\ttarget\t")
	for _, r := range results {
		ratio, base := "—", "—"
		if r.BaselineValue > 0 {
			ratio, base = fmt.Sprintf("%.2f", r.Ratio), fmt.Sprintf("%.0f", r.BaselineValue)
		}
		target := r.Target
		if r.Met != nil && !*r.Met {
			target += " (missed)"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, r.Value, r.Unit, r.Baseline, base, ratio, target)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if out != "" {
		data, err := json.MarshalIndent(map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "duration": d.String(),
			"results": results}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(w, "written to", out)
	}
	for _, r := range results {
		if r.Met != nil && !*r.Met {
			return errors.New(r.Name + " missed its target " + r.Target)
		}
	}
	return nil
}
