// Package fidelity runs the contract suite against the mock and against a
// target, and compares the two runs spec by spec: the result on each side
// and, where they disagree, the first difference in what the two answered
// (status, message text, field or header).
package fidelity

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/vendorsuite/contracts/contracts/support"
)

// Result is one spec's outcome on one side.
type Result struct {
	// State is ginkgo's: passed, failed, skipped, panicked, ... ; "not run"
	// when the side's report has no such spec.
	State string
	// Message is the failure or skip message, secrets scrubbed.
	Message   string
	Exchanges []support.ExchangeRecord
}

func (r Result) passed() bool { return r.State == "passed" }

func (r Result) failed() bool {
	switch r.State {
	case "failed", "panicked", "timedout", "interrupted", "aborted":
		return true
	}
	return false
}

// Row compares one spec.
type Row struct {
	Spec         string
	Mock, Target Result
	// Disagree: it passed on one side and failed on the other.
	Disagree bool
	// Difference is the first difference in the exchanges, for rows that
	// disagree.
	Difference string
}

// ReadReport reads a ginkgo JSON report (--json-report) of one suite.
func ReadReport(path string) (types.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return types.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(reports) != 1 {
		return types.Report{}, fmt.Errorf("%s: %d suites, want 1", path, len(reports))
	}
	return reports[0], nil
}

// results keys a report's specs by their full text; suite-level nodes
// (the preflight) only when they did not pass.
func results(r types.Report, scrub func(string) string) (map[string]Result, []string) {
	out := map[string]Result{}
	var order []string
	for _, s := range r.SpecReports {
		name := s.FullText()
		if s.LeafNodeType != types.NodeTypeIt {
			if s.State == types.SpecStatePassed {
				continue
			}
			name = "[" + s.LeafNodeType.String() + "]"
		}
		for base, i := name, 2; ; i++ {
			if _, dup := out[name]; !dup {
				break
			}
			name = fmt.Sprintf("%s #%d", base, i)
		}
		res := Result{State: s.State.String(), Message: scrub(firstLines(s.Failure.Message, 3))}
		for _, e := range s.ReportEntries {
			if e.Name != support.ReportEntryExchange {
				continue
			}
			var x support.ExchangeRecord
			if json.Unmarshal([]byte(e.Value.AsJSON), &x) == nil {
				res.Exchanges = append(res.Exchanges, x)
			}
		}
		out[name] = res
		order = append(order, name)
	}
	return out, order
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// Compare pairs the specs of the two reports. Rows that disagree come
// first, then the rest, each group by name.
func Compare(mock, target types.Report, scrub func(string) string) []Row {
	if scrub == nil {
		scrub = func(s string) string { return s }
	}
	m, mOrder := results(mock, scrub)
	t, tOrder := results(target, scrub)
	names := slices.Clone(mOrder)
	for _, n := range tOrder {
		if _, ok := m[n]; !ok {
			names = append(names, n)
		}
	}
	rows := make([]Row, 0, len(names))
	for _, n := range names {
		row := Row{Spec: n, Mock: m[n], Target: t[n]}
		if row.Mock.State == "" {
			row.Mock.State = "not run"
		}
		if row.Target.State == "" {
			row.Target.State = "not run"
		}
		row.Disagree = (row.Mock.passed() && row.Target.failed()) || (row.Mock.failed() && row.Target.passed()) ||
			(row.Mock.State == "not run" && row.Target.failed())
		if row.Disagree {
			row.Difference = scrub(FirstDifference(row.Mock.Exchanges, row.Target.Exchanges))
			if row.Difference == "" {
				failing := row.Target
				if row.Mock.failed() {
					failing = row.Mock
				}
				what := "the answers do not differ"
				if len(row.Mock.Exchanges)+len(row.Target.Exchanges) == 0 {
					what = "no exchange to compare"
				}
				row.Difference = what + "; the failure: " + firstLines(failing.Message, 1)
			}
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Disagree != rows[j].Disagree {
			return rows[i].Disagree
		}
		return rows[i].Spec < rows[j].Spec
	})
	return rows
}

// volatileFields change on every answer (random ids); they never count
// as a difference.
var volatileFields = []string{"errorId", "instance"}

// messageFields hold the vendors' human-readable messages.
var messageFields = []string{"message", "messages", "error", "title", "detail", "supportMessage"}

// FirstDifference compares two sides' exchanges in order and describes
// the first that differs: its request, then what differs (status, the
// Content-Type header, message text or another field). "" when none does.
func FirstDifference(mock, target []support.ExchangeRecord) string {
	for i := range min(len(mock), len(target)) {
		a, b := mock[i], target[i]
		req := fmt.Sprintf("request %d, %s %s", i+1, a.Method, a.Path)
		switch {
		case a.Method != b.Method || a.Path != b.Path:
			return fmt.Sprintf("request %d: the mock was sent %s %s, the target %s %s", i+1, a.Method, a.Path, b.Method, b.Path)
		case a.Status != b.Status:
			return fmt.Sprintf("%s: status: mock %s, target %s", req, status(a.Status), status(b.Status))
		case mediaType(a.ContentType) != mediaType(b.ContentType):
			return fmt.Sprintf("%s: header Content-Type: mock %q, target %q", req, a.ContentType, b.ContentType)
		}
		var ja, jb any
		if json.Unmarshal([]byte(a.Body), &ja) != nil || json.Unmarshal([]byte(b.Body), &jb) != nil {
			if a.Body != b.Body {
				return fmt.Sprintf("%s: body: mock %s, target %s", req, clip(a.Body), clip(b.Body))
			}
			continue
		}
		if d := jsonDiff("$", ja, jb); d != "" {
			return req + ": " + d
		}
	}
	if len(mock) != len(target) {
		return fmt.Sprintf("the mock answered %d requests, the target %d", len(mock), len(target))
	}
	return ""
}

func status(s int) string {
	if s == 0 {
		return "no answer"
	}
	return fmt.Sprint(s)
}

func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// DiffJSON describes the first difference between two decoded JSON
// values ("" when equal), ignoring volatileFields.
func DiffJSON(a, b any) string { return jsonDiff("$", a, b) }

func jsonDiff(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if slices.Contains(volatileFields, k) {
				continue
			}
			va, inA := x[k]
			vb, inB := y[k]
			p := path + "." + k
			switch {
			case !inA:
				return fmt.Sprintf("field %s: mock has none, target %s", p, show(vb))
			case !inB:
				return fmt.Sprintf("field %s: mock %s, target has none", p, show(va))
			}
			if d := jsonDiff(p, va, vb); d != "" {
				if slices.Contains(messageFields, k) && strings.HasPrefix(d, "field "+p) {
					return "message text" + strings.TrimPrefix(d, "field")
				}
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := range min(len(x), len(y)) {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		if len(x) != len(y) {
			return fmt.Sprintf("field %s: mock %d items, target %d", path, len(x), len(y))
		}
		return ""
	}
	if show(a) != show(b) {
		return fmt.Sprintf("field %s: mock %s, target %s", path, show(a), show(b))
	}
	return ""
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return clip(string(b))
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Disagreements counts the rows that disagree.
func Disagreements(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Disagree {
			n++
		}
	}
	return n
}
