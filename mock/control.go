package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/openapi"
)

// control implements the generated control API over a Mock.
type control struct{ m *Mock }

var _ mockcontrol.ServerInterface = (*control)(nil)

// controlDocument is the control API's document as JSON, its keys in the
// YAML's order (the order fields are documented in, which the console's
// forms follow).
var controlDocument = sync.OnceValues(func() ([]byte, error) {
	raw, err := openapi.Bytes(openapi.MockControl)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := orderedJSON(&buf, &root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

// orderedJSON writes a YAML node as JSON, keeping the order of mapping keys.
func orderedJSON(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.DocumentNode:
		return orderedJSON(buf, n.Content[0])
	case yaml.AliasNode:
		return orderedJSON(buf, n.Alias)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			key, err := json.Marshal(n.Content[i].Value)
			if err != nil {
				return err
			}
			buf.Write(key)
			buf.WriteByte(':')
			if err := orderedJSON(buf, n.Content[i+1]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := orderedJSON(buf, c); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	if _, ok := v.(time.Time); ok {
		v = n.Value // a date stays the text the document wrote
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	buf.Write(b)
	return nil
}

func (h *control) GetControlDocument(c echo.Context) error {
	b, err := controlDocument()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// RunReplay runs a scenario file in a fresh session created from the
// startup fixtures.
func (h *control) RunReplay(c echo.Context, params mockcontrol.RunReplayParams) error {
	if h.m.opts.Replay == nil {
		return controlError(c, http.StatusNotImplemented, "this mock runs no replays: mock.Options.Replay is not set (mockserver sets it to mock/replay.Run)")
	}
	req := c.Request()
	mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || !slices.Contains([]string{"application/json", "application/yaml", "application/x-yaml", "text/yaml"}, mediaType) {
		return controlError(c, http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/yaml")
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, h.m.maxControl+1))
	if err != nil {
		return controlError(c, http.StatusBadRequest, "the request body could not be read")
	}
	if int64(len(body)) > h.m.maxControl {
		return controlError(c, http.StatusRequestEntityTooLarge, "The request body exceeds the "+problem.SizeWords(h.m.maxControl)+" limit")
	}
	name := fmt.Sprintf("replay-%d", h.m.replays.Add(1))
	if params.Session != nil {
		if !sessionName.MatchString(*params.Session) {
			return controlError(c, http.StatusBadRequest, "session must match "+sessionName.String())
		}
		name = *params.Session
	}
	startup, err := h.m.startupDocument()
	if err != nil {
		return err
	}
	report, err := h.m.opts.Replay(req.Context(), body, ReplayTarget{
		Handler: h.m, ControlToken: h.m.opts.ControlToken, Fixtures: startup, Session: name,
		CreateSession: func(name string) error {
			// Fresh: no journal or fault rules of an earlier session by that name.
			h.m.sessions.remove(name)
			_, err := h.m.replaceSession(name, startup)
			return err
		},
		RemoveSession: func(name string) { h.m.sessions.remove(name) },
	})
	if errors.Is(err, errTooManySessions) {
		return h.m.sessionRefused(c, name, err)
	}
	var refused *ReplayRefusedError
	if errors.As(err, &refused) {
		return jsonresp.Write(c, http.StatusBadRequest, mockcontrol.RejectedDocument{Errors: refused.Problems})
	}
	if err != nil {
		return err
	}
	return jsonresp.Write(c, http.StatusOK, report)
}

func (h *control) GetHealth(c echo.Context) error {
	if problem := h.m.SaveProblem(); problem != "" {
		return jsonresp.Write(c, http.StatusServiceUnavailable, mockcontrol.Health{Status: mockcontrol.HealthStatusUnhealthy, Reason: &problem})
	}
	return jsonresp.Write(c, http.StatusOK, mockcontrol.Health{Status: mockcontrol.HealthStatusOk})
}

// Every control call acts on the session the request names (the default
// world without X-Mock-Session).

func (h *control) GetState(c echo.Context) error {
	return jsonresp.Write(c, http.StatusOK, sessionOf(c).world.state())
}

func (h *control) ReplaceState(c echo.Context) error {
	return h.apply(c, sessionOf(c).world.replace, nil)
}

// MergeState reports a rejected body's problems across records as they
// would be after merging it into the state, where an entry may name an
// organization, tenant, company or token the state already has.
func (h *control) MergeState(c echo.Context) error {
	w := sessionOf(c).world
	return h.apply(c, w.merge, w.mergeProblems)
}

func (h *control) ResetState(c echo.Context) error {
	w := sessionOf(c).world
	h.m.reset(w)
	return jsonresp.Write(c, http.StatusOK, w.counts())
}

func (h *control) ReplaceSessionState(c echo.Context, name mockcontrol.SessionName) error {
	if !sessionName.MatchString(name) {
		return controlError(c, http.StatusBadRequest, "name must match "+sessionName.String())
	}
	doc, status, problems := h.readDocument(c.Request(), nil)
	if problems != nil {
		return jsonresp.Write(c, status, mockcontrol.RejectedDocument{Errors: problems})
	}
	s, err := h.m.replaceSession(name, doc)
	if errors.Is(err, errTooManySessions) {
		return h.m.sessionRefused(c, name, err)
	}
	if err != nil {
		return rejected(c, err)
	}
	return jsonresp.Write(c, http.StatusOK, s.world.counts())
}

func (h *control) ListSessions(c echo.Context) error {
	return jsonresp.Write(c, http.StatusOK, mockcontrol.SessionList{Sessions: h.m.sessions.list()})
}

func (h *control) DeleteSession(c echo.Context, name mockcontrol.SessionName) error {
	if !h.m.sessions.remove(name) {
		return controlError(c, http.StatusNotFound, "no session "+name)
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *control) ListRequests(c echo.Context, params mockcontrol.ListRequestsParams) error {
	s := sessionOf(c)
	entries := s.journal.entries(func(e *entry) bool {
		v := &e.view
		return (params.Vendor == nil || string(*params.Vendor) == v.Vendor) &&
			(params.Method == nil || strings.EqualFold(*params.Method, v.Method)) &&
			(params.Path == nil || strings.HasPrefix(v.Path, *params.Path)) &&
			(params.Status == nil || *params.Status == v.Status) &&
			(params.Since == nil || v.Seq > *params.Since)
	})
	refs := s.world.accountOf
	if params.Format != nil && *params.Format == mockcontrol.FormatScenario {
		name := "recorded"
		if params.Name != nil && *params.Name != "" {
			name = *params.Name
		}
		out, err := recordScenario(name, entries, refs, h.m.known)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/yaml", out)
	}
	page := mockcontrol.JournalPage{Entries: make([]mockcontrol.JournalEntry, len(entries))}
	for i, e := range entries {
		page.Entries[i] = e.view
		if ref := refs(e.secret); ref != "" {
			page.Entries[i].Credential = &ref
		}
	}
	return jsonresp.Write(c, http.StatusOK, page)
}

func (h *control) ClearRequests(c echo.Context, _ mockcontrol.ClearRequestsParams) error {
	sessionOf(c).journal.clear()
	return c.NoContent(http.StatusNoContent)
}

func (h *control) ListFaults(c echo.Context, _ mockcontrol.ListFaultsParams) error {
	return jsonresp.Write(c, http.StatusOK, mockcontrol.FaultList{Faults: sessionOf(c).faults.list()})
}

func (h *control) AddFault(c echo.Context, _ mockcontrol.AddFaultParams) error {
	var rule mockcontrol.FaultRule
	if problems := decodeChecked(c, "FaultRule", &rule); problems != nil {
		return jsonresp.Write(c, http.StatusBadRequest, mockcontrol.RejectedDocument{Errors: problems})
	}
	if problems := checkFault(rule); len(problems) > 0 {
		return jsonresp.Write(c, http.StatusBadRequest, mockcontrol.RejectedDocument{Errors: problems})
	}
	return jsonresp.Write(c, http.StatusCreated, sessionOf(c).faults.add(rule))
}

func (h *control) ClearFaults(c echo.Context, _ mockcontrol.ClearFaultsParams) error {
	sessionOf(c).faults.clear()
	return c.NoContent(http.StatusNoContent)
}

func (h *control) DeleteFault(c echo.Context, id string, _ mockcontrol.DeleteFaultParams) error {
	if !sessionOf(c).faults.remove(id) {
		return controlError(c, http.StatusNotFound, "no fault rule "+id)
	}
	return c.NoContent(http.StatusNoContent)
}

// controlError writes the control API's error body.
func controlError(c echo.Context, status int, message string) error {
	return jsonresp.Write(c, status, mockcontrol.RejectedDocument{Errors: []string{message}})
}

func rejected(c echo.Context, err error) error {
	var r *fixtures.RejectedError
	if errors.As(err, &r) {
		return jsonresp.Write(c, http.StatusBadRequest, mockcontrol.RejectedDocument{Errors: r.Problems})
	}
	return err
}

// decodeChecked reads a JSON body and checks it against a schema of the
// control document, listing every problem.
func decodeChecked(c echo.Context, schema string, into any) []string {
	req := c.Request()
	if mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); err != nil || mediaType != echo.MIMEApplicationJSON {
		return []string{"Content-Type must be application/json"}
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		return []string{"the request body could not be read"}
	}
	var raw any
	if err := json.Unmarshal(body, &raw); err != nil {
		return []string{"The request body is not valid JSON: " + err.Error()}
	}
	if err := fixtures.CheckJSONKeys(body); err != nil {
		return []string{"The request body is not valid JSON: " + err.Error()}
	}
	doc, err := openapi.Load(openapi.MockControl)
	if err != nil {
		return []string{err.Error()}
	}
	if problems := fixtures.SchemaProblems(doc.Components.Schemas[schema].Value, raw); len(problems) > 0 {
		return problems
	}
	if err := json.Unmarshal(body, into); err != nil {
		return []string{err.Error()}
	}
	return nil
}

func (h *control) apply(c echo.Context, op func(*fixtures.Document) error, domain func(*fixtures.Document) []string) error {
	doc, status, problems := h.readDocument(c.Request(), domain)
	if problems != nil {
		return jsonresp.Write(c, status, mockcontrol.RejectedDocument{Errors: problems})
	}
	if err := op(doc); err != nil {
		return rejected(c, err)
	}
	return jsonresp.Write(c, http.StatusOK, sessionOf(c).world.counts())
}

// maxYAMLControlBytes caps YAML documents sent to the control API. YAML
// decodes through a node per value (about 200 bytes of memory per byte of
// a dense document, against at most about 70 for JSON), so large worlds
// travel as JSON, which GET /__mock/state writes anyway.
const maxYAMLControlBytes = 2 << 20

// readDocument reads a JSON or YAML fixture document from the body. A
// document with schema problems is refused with the problems across
// records of its readable part, as domain finds them (as a whole world
// when nil).
func (h *control) readDocument(r *http.Request, domain func(*fixtures.Document) []string) (*fixtures.Document, int, []string) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || (mediaType != "application/json" && mediaType != "application/yaml" &&
		mediaType != "application/x-yaml" && mediaType != "text/yaml") {
		return nil, http.StatusUnsupportedMediaType, []string{"Content-Type must be application/json or application/yaml"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.m.maxControl+1))
	if err != nil {
		return nil, http.StatusBadRequest, []string{"the request body could not be read"}
	}
	if int64(len(body)) > h.m.maxControl {
		return nil, http.StatusRequestEntityTooLarge, []string{"The request body exceeds the " + problem.SizeWords(h.m.maxControl) + " limit"}
	}
	if len(body) > maxYAMLControlBytes && !json.Valid(body) {
		return nil, http.StatusRequestEntityTooLarge, []string{"A document over " + problem.SizeWords(maxYAMLControlBytes) +
			" must be JSON: decoding YAML costs about 200 bytes of memory per byte; send it as JSON, or load it with --fixtures"}
	}
	doc, err := fixtures.Parse(body)
	if err != nil {
		var rejected *fixtures.RejectedError
		if errors.As(err, &rejected) {
			if domain != nil && rejected.Partial != nil {
				rejected = rejected.WithDomain(domain(rejected.Partial))
			}
			return nil, http.StatusBadRequest, rejected.Problems
		}
		return nil, http.StatusBadRequest, []string{err.Error()}
	}
	return doc, 0, nil
}
