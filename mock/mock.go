// Package mock is the stateful mock of the Care360, CL2C and R1 Discover
// user APIs, as an http.Handler that Go tests can run in-process and that
// mock/cmd/mockserver serves.
package mock

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/console"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/registry"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// Options configures a Mock. The zero value serves every vendor with the
// embedded default fixtures.
type Options struct {
	// Fixtures is the startup world; nil means the embedded defaults.
	Fixtures *fixtures.Document
	// Vendors restricts the vendors served, by registry name; empty means
	// every registered vendor.
	Vendors []string
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// MaxBodyBytes caps vendor request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxControlBodyBytes caps control API bodies (default 64 MiB).
	MaxControlBodyBytes int64
	// JournalSize is how many requests each session's journal keeps
	// (default DefaultJournalSize).
	JournalSize int
	// JournalBytes caps the bytes each session's journal keeps (default
	// DefaultJournalBytes); JournalTotalBytes caps all journals together
	// (default DefaultJournalTotalBytes).
	JournalBytes      int64
	JournalTotalBytes int64
	// MaxSessions caps how many named sessions exist at once (default
	// DefaultMaxSessions); a request that would create one more is
	// refused with 429.
	MaxSessions int
	// SessionIdle removes named sessions unused for this long (default
	// 30 minutes; negative keeps them until deleted).
	SessionIdle time.Duration
	// ControlToken, when set, must be sent as X-Mock-Control-Token on
	// every /__mock/ call.
	ControlToken string
	// NoControl removes the control API.
	NoControl bool
	// LocalControl keeps web pages from driving a control API that has no
	// token: every control call must be addressed to a loopback Host (so
	// a DNS-rebound name cannot reach it), and calls that change state
	// must carry a JSON or YAML Content-Type (which a cross-site form or
	// simple request cannot send) and no Origin or Sec-Fetch-Site of
	// another site. mockserver sets it whenever it serves the control API
	// without a token on a loopback address.
	LocalControl bool
	// MaxHeaderBytes caps the total size of a request's header names and
	// values (default 64 KiB).
	MaxHeaderBytes int
	// Commit, when set, is called after every successful write to the
	// default world, with the Changes count that includes it, before the
	// answer leaves: the answer waits until Commit returns, and an error
	// turns it into 503. mockserver's --save-writes 1 saves the state file
	// here, so every acknowledged write is on disk.
	Commit func(changes uint64) error
	// Replay runs scenario files for POST /__mock/replays (mock/replay.Run);
	// nil answers that call with 501.
	Replay ReplayFunc
	// MaxUsersPerOrganization caps the users of one Care360 organization,
	// CL2C tenant or R1 Discover company (default 2,000,000).
	MaxUsersPerOrganization int
}

// DefaultMaxSessions is how many named sessions may exist by default.
const DefaultMaxSessions = 100

// ControlTokenHeader carries the control token.
const ControlTokenHeader = "X-Mock-Control-Token"

// Mock is one mock server with its own world. It is safe for concurrent
// use; several Mocks in one process share nothing.
type Mock struct {
	echo    *echo.Echo
	serve   echo.HandlerFunc // routing and every middleware, composed once
	opts    Options
	changes atomic.Uint64 // successful writes to the default world
	// unsaved, when set, says why the default world cannot be saved:
	// health reports it and vendor writes to the default world are
	// refused until it clears.
	unsaved atomic.Pointer[string]
	// startup is the startup world as gzipped JSON: a small fraction of
	// the memory of the decoded document, which a large world would
	// otherwise keep alive next to its stores only for resets.
	startup  []byte
	main     *session // the default world, journal and faults
	sessions sessions
	// known are the registered vendors, each with its part of every
	// world; served are those whose routes are mounted.
	known, served []vendordef.Vendor
	log           *slog.Logger
	// lines, when the logger is a LogHandler that allows it, writes the
	// request lines directly.
	lines       *LogHandler
	maxControl  int64
	journalSize int
	// journalBudget is shared by every session's journal.
	journalBudget *byteBudget
	// startupCredentials are the credentials of the startup fixtures: a
	// vendor request carrying one may create the session it names.
	startupCredentials map[vendordef.Credential]bool
	replays            atomic.Int64 // numbers the sessions replays run in
}

// New builds a Mock from its startup fixtures, or returns every problem in
// them as a *fixtures.RejectedError.
func New(opts Options) (*Mock, error) {
	startup := opts.Fixtures
	if startup == nil {
		startup = fixtures.Default()
	}
	known := registry.All()
	vendors := opts.Vendors
	if len(vendors) == 0 {
		vendors = registry.Names()
	}
	var served []vendordef.Vendor
	for _, name := range vendors {
		v, ok := registry.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown vendor %q (known: %s)", name, strings.Join(registry.Names(), ", "))
		}
		served = append(served, v)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = validation.DefaultMaxBodyBytes
	}
	if opts.MaxControlBodyBytes <= 0 {
		opts.MaxControlBodyBytes = 64 << 20
	}
	if opts.SessionIdle == 0 {
		opts.SessionIdle = 30 * time.Minute
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = 64 << 10
	}
	if opts.MaxUsersPerOrganization <= 0 {
		opts.MaxUsersPerOrganization = 2_000_000
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.JournalBytes <= 0 {
		opts.JournalBytes = DefaultJournalBytes
	}
	if opts.JournalTotalBytes <= 0 {
		opts.JournalTotalBytes = DefaultJournalTotalBytes
	}
	s, err := build(known, startup, opts.MaxUsersPerOrganization)
	if err != nil {
		return nil, err
	}
	startupJSON, err := compress(startup)
	if err != nil {
		return nil, err
	}
	opts.Fixtures = nil
	m := &Mock{
		opts: opts, startup: startupJSON, known: known, served: served, log: opts.Logger,
		maxControl: opts.MaxControlBodyBytes, journalSize: opts.JournalSize,
		sessions:           sessions{byName: map[string]*session{}, idle: opts.SessionIdle, max: opts.MaxSessions},
		journalBudget:      &byteBudget{limit: opts.JournalTotalBytes},
		startupCredentials: credentialsOf(known, startup),
	}
	if h, ok := opts.Logger.Handler().(*LogHandler); ok && h.direct {
		m.lines = h
	}
	m.main = m.newSession("", s)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = m.handleError
	// The mock's chains: Echo's own Pre and Use lists are never consulted
	// (ServeHTTP runs these chains), so middleware goes here, not to
	// e.Use. Vendor requests and control calls each have their own: no
	// control guard on a vendor request, no journal, fault or world hold
	// on a control call.
	m.serve = composeOnce(e, []echo.MiddlewareFunc{rewriteSessionPath},
		chain{m.logRequests, m.limitHeaders, m.resolveSession(false), m.journalize, m.countChanges(false), recoverPanics, m.injectFaults, m.holdWorld},
		chain{m.logRequests, m.limitHeaders, m.guardControl, m.resolveSession(true), m.countChanges(true), recoverPanics})
	for _, v := range served {
		store := func(c echo.Context) vendordef.Store { return sessionOf(c).world.stores[v.Name] }
		if err := v.Register(e, nil, store, opts.MaxBodyBytes); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	if !opts.NoControl {
		mockcontrol.RegisterHandlers(e, &control{m: m})
		console.Register(e)
	}
	m.echo = e
	return m, nil
}

// ServeHTTP serves vendor and control requests. It does what Echo's own
// ServeHTTP does, but over the chain composeOnce built: Echo would build
// its Pre and Use chains afresh on every request, one closure per
// middleware.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ec := m.echo.AcquireContext()
	ec.Reset(r, w)
	c := acquireContext(ec)
	if err := m.serve(c); err != nil {
		m.echo.HTTPErrorHandler(err, c)
	}
	c.release()
	m.echo.ReleaseContext(ec)
}

// chain is middleware in the order a request meets it.
type chain []echo.MiddlewareFunc

// around wraps h in the chain.
func (ch chain) around(h echo.HandlerFunc) echo.HandlerFunc {
	for i := len(ch) - 1; i >= 0; i-- {
		h = ch[i](h)
	}
	return h
}

// composeOnce returns e's request handling as one handler: the pre
// middlewares, then routing, then the vendor chain or, for a control
// path, the control chain around the route's handler, all composed here
// once.
func composeOnce(e *echo.Echo, pre []echo.MiddlewareFunc, vendor, control chain) echo.HandlerFunc {
	routed := func(c echo.Context) error { return c.Handler()(c) }
	vendorRoute, controlRoute := vendor.around(routed), control.around(routed)
	h := func(c echo.Context) error {
		req := c.Request()
		e.Router().Find(req.Method, echo.GetPath(req), echoContext(c))
		if registry.IsControl(req.URL.Path) {
			return controlRoute(c)
		}
		return vendorRoute(c)
	}
	for i := len(pre) - 1; i >= 0; i-- {
		h = pre[i](h)
	}
	return h
}

// Vendors lists the vendors this mock serves.
func (m *Mock) Vendors() []string {
	names := make([]string, len(m.served))
	for i, v := range m.served {
		names[i] = v.Name
	}
	return names
}

// State exports the default world as a fixture document.
func (m *Mock) State() *fixtures.Document { return m.main.world.state() }

// Summary counts what the default world holds.
func (m *Mock) Summary() mockcontrol.StateSummary { return m.main.world.counts() }

// ReplaceState replaces the default world with doc, or changes nothing and
// returns a *fixtures.RejectedError listing every problem.
func (m *Mock) ReplaceState(doc *fixtures.Document) error { return m.main.world.replace(doc) }

// MergeState adds doc's organizations, tenants, tokens, companies and users
// to the default world, or changes nothing and returns every problem.
func (m *Mock) MergeState(doc *fixtures.Document) error { return m.main.world.merge(doc) }

// Reset puts the startup world back in the default world.
func (m *Mock) Reset() { m.reset(m.main.world) }

// compress keeps a document as gzipped JSON.
func compress(doc *fixtures.Document) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(doc); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// startupDocument decodes the startup fixtures afresh.
func (m *Mock) startupDocument() (*fixtures.Document, error) {
	zr, err := gzip.NewReader(bytes.NewReader(m.startup))
	if err != nil {
		return nil, err
	}
	var doc fixtures.Document
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// startupWorld builds the startup fixtures afresh.
func (m *Mock) startupWorld() (stores, error) {
	doc, err := m.startupDocument()
	if err != nil {
		return nil, err
	}
	return build(m.known, doc, m.opts.MaxUsersPerOrganization)
}

func (m *Mock) reset(w *world) {
	s, err := m.startupWorld()
	if err != nil {
		// The startup fixtures were built once already; they cannot fail.
		panic(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.install(s)
}

// Changes counts the successful writes to the default world (vendor
// updates and control calls), so a saver can tell when state changed.
func (m *Mock) Changes() uint64 { return m.changes.Load() }

// SetSaveProblem records why the default world cannot be saved ("" when
// it can again). While one is recorded, GET /__mock/health answers 503
// unhealthy with the reason and vendor writes to the default world are
// refused with 503 in the vendor's envelope.
func (m *Mock) SetSaveProblem(reason string) {
	if reason == "" {
		m.unsaved.Store(nil)
		return
	}
	m.unsaved.Store(&reason)
}

// SaveProblem returns the recorded save problem, or "".
func (m *Mock) SaveProblem() string {
	if p := m.unsaved.Load(); p != nil {
		return *p
	}
	return ""
}

// countChanges counts successful writes to the default world, refuses
// vendor writes to it while its state cannot be saved (control calls go
// on: they are how a user repairs it), and holds each write's answer until
// Options.Commit has kept it.
func (m *Mock) countChanges(control bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc { return m.countChangesTo(next, control) }
}

func (m *Mock) countChangesTo(next echo.HandlerFunc, control bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method == http.MethodGet || req.Method == http.MethodHead || sessionOf(c) != m.main {
			return next(c)
		}
		if reason := m.SaveProblem(); reason != "" && !control {
			return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusServiceUnavailable,
				Message: "The mock cannot save its state, so it accepts no writes until a save succeeds: " + reason})
		}
		if m.opts.Commit == nil {
			err := next(c)
			if c.Response().Status < 300 && err == nil {
				m.changes.Add(1)
			}
			return err
		}
		res := c.Response()
		held := &heldWriter{real: res.Writer}
		res.Writer = held
		err := next(c)
		res.Writer = held.real
		if res.Status < 300 && err == nil {
			if cerr := m.opts.Commit(m.changes.Add(1)); cerr != nil {
				m.log.Error("a write could not be kept", "method", req.Method, "path", req.URL.Path, "error", cerr)
				res.Committed, res.Status, res.Size = false, 0, 0
				res.Header().Del(echo.HeaderContentLength)
				return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusServiceUnavailable,
					Message: "The mock could not save this write, so it may be lost: " + cerr.Error()})
			}
		}
		held.release()
		return err
	}
}

// heldWriter keeps an answer back until it is released.
type heldWriter struct {
	real   http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *heldWriter) Header() http.Header { return w.real.Header() }

// Unwrap lets a drop fault reach the connection.
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.real }

func (w *heldWriter) WriteHeader(status int) { w.status = status }

func (w *heldWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

// release sends the held answer.
func (w *heldWriter) release() {
	if w.status == 0 {
		return
	}
	w.real.WriteHeader(w.status)
	_, _ = w.real.Write(w.body.Bytes())
}

// guardControl answers control calls without the control token with 401,
// and hides the control API entirely when it is switched off. It is on
// the control chain only.
func (m *Mock) guardControl(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if m.opts.NoControl {
			return controlError(c, http.StatusNotFound, "No operation at "+c.Request().URL.Path)
		}
		if console.Serves(c.Request().URL.Path) {
			// The console's pages hold no state and no secret; the page asks
			// for the token and sends it with every control call it makes.
			return next(c)
		}
		if m.opts.ControlToken != "" &&
			subtle.ConstantTimeCompare([]byte(c.Request().Header.Get(ControlTokenHeader)), []byte(m.opts.ControlToken)) != 1 {
			return controlError(c, http.StatusUnauthorized, "the control API needs the "+ControlTokenHeader+" header with the server's control token")
		}
		if m.opts.LocalControl && m.opts.ControlToken == "" {
			if problem := crossSite(c.Request()); problem != "" {
				return controlError(c, http.StatusForbidden, problem)
			}
		}
		return next(c)
	}
}

// limitHeaders refuses requests whose headers exceed the limit, in the
// envelope of the vendor asked for (the HTTP server's own limit, set
// higher, would answer in plain text).
func (m *Mock) limitHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		size := 0
		for k, vs := range c.Request().Header {
			for _, v := range vs {
				size += len(k) + len(v) + 4
			}
		}
		if size > m.opts.MaxHeaderBytes {
			return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusRequestHeaderFieldsTooLarge,
				Message: "The request headers exceed the " + problem.SizeWords(int64(m.opts.MaxHeaderBytes)) + " limit"})
		}
		return next(c)
	}
}

// holdWorld keeps the session's world from being replaced while a vendor
// request runs. It is on the vendor chain only: control requests take the
// world's write lock themselves.
func (m *Mock) holdWorld(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		w := sessionOf(c).world
		w.mu.RLock()
		defer w.mu.RUnlock()
		return next(c)
	}
}

// handleError renders every error that reaches Echo in the envelope of the
// vendor whose path was asked for, so Echo's default body never appears.
func (m *Mock) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := &problem.Problem{Kind: problem.Failure, Status: http.StatusInternalServerError, Message: "The mock failed to handle the request"}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		p.Status = he.Code
		switch he.Code {
		case http.StatusNotFound:
			p.Kind, p.Message = problem.NotFound, "No operation at "+c.Request().URL.Path
		case http.StatusMethodNotAllowed:
			p.Kind, p.Message = problem.MethodNotAllowed, "Method "+c.Request().Method+" is not allowed on "+c.Request().URL.Path
		case http.StatusRequestEntityTooLarge:
			p.Kind, p.Message = problem.BodyTooLarge, "The request body is too large"
		default:
			p.Message = fmt.Sprint(he.Message)
		}
	}
	if p.Status >= 500 {
		m.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
	}
	if err := m.renderProblem(c, p); err != nil {
		m.log.Error("writing an error response failed", "error", err)
	}
}

// renderProblem writes p in the envelope of the served vendor whose path
// was asked for, or of a served vendor that answers for that path when its
// owner is not served, or in the control API's body for other paths.
func (m *Mock) renderProblem(c echo.Context, p *problem.Problem) error {
	path := c.Request().URL.Path
	owner, owned := registry.Owner(m.served, path)
	if known := m.ownerOf(path); owned && known != nil && owner.Name == known.Name {
		return owner.Render(c, p)
	}
	// The path's owner is not served: a served vendor sharing the longest
	// prefix answers, or else the served vendor whose shorter prefix holds
	// the path.
	best := -1
	for _, v := range m.served {
		if n, ok := v.Answers(path); ok && n > best {
			best, owner, owned = n, v, true
		}
	}
	if owned {
		return owner.Render(c, p)
	}
	return controlError(c, p.Status, p.Message)
}

// recoverPanics turns a handler panic into an error, rendered in the
// vendor's envelope as a 500, so one bad request cannot stop the server.
func recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// logRequests writes one line per request. Headers are not logged and the
// query is redacted, so API keys and tokens never reach the log.
func (m *Mock) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		state := stateOf(c)
		start := time.Now()
		state.started = start
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		level := slog.LevelInfo
		if req.URL.Path == "/__mock/health" && c.Response().Status == http.StatusOK {
			// A container's HEALTHCHECK asks every few seconds; its
			// successes would drown the log.
			level = slog.LevelDebug
		}
		ctx := req.Context()
		h := m.log.Handler()
		if !h.Enabled(ctx, level) {
			return nil
		}
		line := requestLine{
			method: req.Method, path: req.URL.Path, query: redactedQuery(c), vendor: m.vendorName(c),
			status: c.Response().Status, bytes: c.Response().Size,
		}
		now := state.answered // the journal's reading, if it journalled the request
		if now.IsZero() {
			now = time.Now()
		}
		line.duration = now.Sub(start)
		if m.lines != nil {
			m.lines.writeRequest(ctx, now, level, &line)
			return nil
		}
		// The record goes to the handler directly: Logger.LogAttrs would
		// also walk the stack for a source line no handler of the mock
		// prints.
		r := slog.NewRecord(now, level, "request", 0)
		attrs := line.attrs()
		r.AddAttrs(attrs[:]...)
		_ = h.Handle(ctx, r)
		return nil
	}
}
