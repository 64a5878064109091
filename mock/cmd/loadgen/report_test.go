package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadLine is one load result as loadgen --json prints it.
func loadLine(t *testing.T, label string, rps, p99, cpu float64) string {
	t.Helper()
	b, err := json.Marshal(Result{Kind: "load", Label: label, Workload: "get-users", RPS: rps, P99us: p99, ServerCPUus: cpu, Requests: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReportJudgesTargets(t *testing.T) {
	startups := `{"kind":"startup","label":"startup","median_ms":30}
{"kind":"startup","label":"startup-1000","median_ms":40,"users":1000}
{"kind":"startup","label":"rss-default","rss_bytes":20000000}
{"kind":"startup","label":"rss-many","rss_bytes":720000000,"users":1000000}
`
	cases := []struct {
		name         string
		mock         string
		wantMissed   []string
		wantWithin   bool
		wantVerdict  string
		strictFailed bool
	}{
		{"within", "", []string{}, true, "every target met", false},
		{"cpu and throughput", "cpu", []string{"cpu", "rps"}, false, "NOT every target met", true},
		{"p99", "p99", []string{"p99"}, false, "NOT every target met", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mockRPS, mockP99, mockCPU := 50000.0, 5000.0, 20.0
			switch tc.mock {
			case "cpu":
				mockRPS, mockCPU = 30000, 40
			case "p99":
				mockP99 = 7000
			}
			in := loadLine(t, "ceiling", 60000, 5000, 16) + "\n" + loadLine(t, "mock", mockRPS, mockP99, mockCPU) + "\n" + startups
			out := filepath.Join(t.TempDir(), "bench.json")
			var stdout bytes.Buffer
			if err := report([]string{"--out", out}, strings.NewReader(in), &stdout); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stdout.String(), tc.wantVerdict+"\n") {
				t.Fatalf("verdict %q missing from:\n%s", tc.wantVerdict, stdout.String())
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var s Summary
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatal(err)
			}
			if len(s.Rows) != 1 || !slices.Equal(s.Rows[0].Missed, tc.wantMissed) || s.WithinTargets != tc.wantWithin {
				t.Fatalf("rows %+v within %v, want missed %v within %v", s.Rows, s.WithinTargets, tc.wantMissed, tc.wantWithin)
			}
			err = report([]string{"--strict"}, strings.NewReader(in), &bytes.Buffer{})
			if (err != nil) != tc.strictFailed {
				t.Fatalf("--strict error %v, want failure %v", err, tc.strictFailed)
			}
		})
	}
}

func TestReportJudgesStartupAndMemory(t *testing.T) {
	in := loadLine(t, "ceiling", 60000, 5000, 16) + "\n" + loadLine(t, "mock", 50000, 5000, 20) + "\n" +
		`{"kind":"startup","label":"startup","median_ms":30}
{"kind":"startup","label":"startup-1000","median_ms":61,"users":1000}
`
	var stdout bytes.Buffer
	if err := report(nil, strings.NewReader(in), &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "NOT every target met") {
		t.Fatalf("a 61 ms start passed the 50 ms target:\n%s", stdout.String())
	}
}
