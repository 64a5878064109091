package fidelity

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/vendorsuite/contracts/contracts/support"
)

// Meta describes a comparison for the report's head.
type Meta struct {
	// Target names each vendor's base URL on the target side.
	Target map[string]string
	// Generated is when the runs ended (RFC 3339).
	Generated string
}

// Summary counts a comparison's rows.
type Summary struct{ Specs, Agree, Disagree, OneSide int }

// Summarize counts rows: agreeing (same result), disagreeing, and run
// (passed or failed) on one side only.
func Summarize(rows []Row) Summary {
	s := Summary{Specs: len(rows)}
	for _, r := range rows {
		switch {
		case r.Disagree:
			s.Disagree++
		case r.Mock.State == r.Target.State:
			s.Agree++
		default:
			s.OneSide++
		}
	}
	return s
}

func (s Summary) String() string {
	return fmt.Sprintf("%d specs: %d agree, %d disagree, %d differ only in being skipped or not run on one side",
		s.Specs, s.Agree, s.Disagree, s.OneSide)
}

func cell(r Result) string {
	if r.State == "skipped" && r.Message != "" {
		return "skipped: " + firstLines(r.Message, 1)
	}
	return r.State
}

func targetLine(m Meta) string {
	var parts []string
	for _, v := range support.Vendors {
		if u := m.Target[v]; u != "" {
			parts = append(parts, v+" "+u)
		}
	}
	if len(parts) == 0 {
		return "(no URL: the in-process mock on both sides)"
	}
	return strings.Join(parts, ", ")
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// WriteMarkdown writes the comparison as a Markdown table.
func WriteMarkdown(w io.Writer, m Meta, rows []Row) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Contract fidelity: mock vs target\n\n")
	fmt.Fprintf(&b, "Target: %s. Generated %s.\n\n", targetLine(m), m.Generated)
	fmt.Fprintf(&b, "%s.\n\n", Summarize(rows))
	b.WriteString("| | spec | mock | target | first difference |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		mark := "="
		switch {
		case r.Disagree:
			mark = "**≠**"
		case r.Mock.State != r.Target.State:
			mark = "~"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mark, mdEscape(r.Spec), mdEscape(cell(r.Mock)), mdEscape(cell(r.Target)), mdEscape(r.Difference))
	}
	b.WriteString("\n`=` same result, `≠` passed on one side and failed on the other, `~` skipped or not run on one side.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

var page = template.Must(template.New("fidelity").Funcs(template.FuncMap{"cell": cell}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Contract fidelity: mock vs target</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
tr.disagree{background:#fde2e2}tr.oneside{background:#f4f4f4}td.diff{font-family:monospace;white-space:pre-wrap}
</style></head><body>
<h1>Contract fidelity: mock vs target</h1>
<p>Target: {{.Target}}. Generated {{.Generated}}.</p>
<p>{{.Summary}}.</p>
<table><thead><tr><th>spec</th><th>mock</th><th>target</th><th>first difference</th></tr></thead><tbody>
{{range .Rows}}<tr class="{{if .Disagree}}disagree{{else if ne .Mock.State .Target.State}}oneside{{end}}"><td>{{.Spec}}</td><td>{{cell .Mock}}</td><td>{{cell .Target}}</td><td class="diff">{{.Difference}}</td></tr>
{{end}}</tbody></table></body></html>
`))

// WriteHTML writes the comparison as an HTML page.
func WriteHTML(w io.Writer, m Meta, rows []Row) error {
	return page.Execute(w, map[string]any{"Target": targetLine(m), "Generated": m.Generated, "Summary": Summarize(rows).String(), "Rows": rows})
}
