package mock

import (
	"io"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/redact"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// requestState is what the chain learns about one request, found once and
// shared by the middlewares that need it: the log line, the journal and
// the fault rules all name the request's vendor, which is looked up once.
// States are pooled with their journal capture, so a request costs no
// allocation of its own here.
type requestState struct {
	// started is when the chain began the request, answered when the
	// journal saw it answered (zero if it did not): the log line and the
	// journal share the clock readings.
	started, answered time.Time
	session           *session
	// vendor is the registered vendor owning the path (nil: none), known
	// once vendorFound is set.
	vendor      *vendordef.Vendor
	vendorFound bool
	// fault is the fault rule applied to the request, for the journal.
	fault *mockcontrol.FaultRule
	// drop is a hijacked connection the journal closes after recording.
	drop io.Closer
	// query is the request's query as logged and journalled, secrets
	// redacted, once queryRedacted is set.
	query         string
	queryRedacted bool
	capture       capture
}

// requestContext is the context the mock's chains and handlers get: Echo's
// own, with the request's state beside it, so a middleware reaches the
// state without a look-up in Echo's locked store, and with a store of its
// own for Get and Set, reused from request to request (Echo's makes a map
// for every request that sets a value). Echo's router is given the Echo
// context inside; everything else, the error handler included, gets this.
type requestContext struct {
	echo.Context
	state  requestState
	values []contextValue
}

type contextValue struct {
	key   string
	value any
}

// Get returns the value Set under key, or nil. A request's values are
// set and read by the goroutine serving it, so they need no lock.
func (c *requestContext) Get(key string) any {
	for i := range c.values {
		if c.values[i].key == key {
			return c.values[i].value
		}
	}
	return nil
}

// Set keeps value under key for the rest of the request.
func (c *requestContext) Set(key string, value any) {
	for i := range c.values {
		if c.values[i].key == key {
			c.values[i].value = value
			return
		}
	}
	c.values = append(c.values, contextValue{key, value})
}

// Error hands err to Echo's error handler with this context, as Echo's
// own does with its.
func (c *requestContext) Error(err error) { c.Echo().HTTPErrorHandler(err, c) }

var requestContexts = sync.Pool{New: func() any {
	c := &requestContext{}
	c.state.capture.init()
	return c
}}

// acquireContext wraps ec, ready for a request, with a fresh state; release
// it when the request is answered, before ec goes back to Echo.
func acquireContext(ec echo.Context) *requestContext {
	c := requestContexts.Get().(*requestContext)
	c.Context = ec
	return c
}

func (c *requestContext) release() {
	c.Context = nil
	clear(c.values)
	c.values = c.values[:0]
	s := &c.state
	s.session, s.vendor, s.vendorFound, s.fault, s.drop = nil, nil, false, nil, nil
	s.query, s.queryRedacted = "", false
	s.started, s.answered = time.Time{}, time.Time{}
	if !s.capture.reset() {
		return // its buffers grew too large to keep
	}
	requestContexts.Put(c)
}

// stateOf returns the request's state. c is the context the chain was
// given: every middleware and handler of the mock gets one.
func stateOf(c echo.Context) *requestState { return &c.(*requestContext).state }

// echoContext is the Echo context inside c, for Echo's router.
func echoContext(c echo.Context) echo.Context {
	if rc, ok := c.(*requestContext); ok {
		return rc.Context
	}
	return c
}

// vendorOf returns the registered vendor whose paths hold the request's
// path, or nil, looking it up on the first call only: routing has settled
// the path by the time a middleware asks.
func (m *Mock) vendorOf(c echo.Context) *vendordef.Vendor {
	s := stateOf(c)
	if !s.vendorFound {
		s.vendor, s.vendorFound = m.ownerOf(c.Request().URL.Path), true
	}
	return s.vendor
}

// vendorName is the name of the request's vendor, or "".
func (m *Mock) vendorName(c echo.Context) string {
	if v := m.vendorOf(c); v != nil {
		return v.Name
	}
	return ""
}

// redactedQuery is the request's raw query with secrets redacted, worked
// out on the first call only.
func redactedQuery(c echo.Context) string {
	s := stateOf(c)
	if !s.queryRedacted {
		s.query, s.queryRedacted = redact.Query(c.Request().URL.RawQuery), true
	}
	return s.query
}

// ownerOf finds the registered vendor whose paths hold path (the longest
// prefix wins), or nil.
func (m *Mock) ownerOf(path string) *vendordef.Vendor {
	var owner *vendordef.Vendor
	best := -1
	for i := range m.known {
		if n, ok := m.known[i].Owns(path); ok && n > best {
			best, owner = n, &m.known[i]
		}
	}
	return owner
}

// credentialOf reads the credential the request carries for its vendor.
func (m *Mock) credentialOf(c echo.Context) vendordef.Credential {
	if v := m.vendorOf(c); v != nil && v.Credential != nil {
		return v.Credential(c.Request())
	}
	return vendordef.Credential{}
}
