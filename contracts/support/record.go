package support

import (
	"net/http"

	"github.com/onsi/ginkgo/v2"
)

// ReportEntryExchange names the report entries that record a spec's
// exchanges when recording is on (CONTRACT_RECORD=true, set by the
// fidelity run): the fidelity report compares them side by side.
const ReportEntryExchange = "contract-exchange"

// ExchangeRecord is one exchange as the fidelity report sees it, secrets
// scrubbed. Status 0 means no answer came.
type ExchangeRecord struct {
	Method      string `json:"method"`
	Path        string `json:"path"`
	Status      int    `json:"status"`
	ContentType string `json:"contentType,omitempty"`
	Body        string `json:"body,omitempty"`
}

// record adds an exchange to the running spec's report; out is nil when no
// answer came.
func (t *Targets) record(req *http.Request, out *Response) {
	if !t.recording {
		return
	}
	rec := ExchangeRecord{Method: req.Method, Path: t.scrub.Scrub(req.URL.RequestURI())}
	if out != nil {
		rec.Status = out.Status
		rec.ContentType = out.Header.Get("Content-Type")
		rec.Body = t.scrub.Scrub(string(out.Body))
	}
	ginkgo.AddReportEntry(ReportEntryExchange, rec, ginkgo.ReportEntryVisibilityNever)
}
