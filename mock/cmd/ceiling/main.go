// Command ceiling is the bench's upper bound: a bare Echo server on the
// mock's routes that answers every bench request with the bytes the mock
// gives it, without validation or state. What the mock costs beyond the
// ceiling is the price of being faithful and stateful.
//
// The answers are captured once at startup from an in-process mock.New
// with the default fixtures, by sending each workload's first request.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

type answer struct {
	status      int
	contentType string
	body        []byte
}

func main() {
	if err := run(os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "`host:port` to listen on")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: ceiling [flags]\n\nServes the mock's bench answers without validation or state: the bench's upper bound.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	e, err := build()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	// Same server settings as mockserver, so only the handler differs.
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintln(os.Stderr, "ceiling: serving on", ln.Addr())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// build captures the mock's answers and registers them on a bare Echo.
func build() (*echo.Echo, error) {
	byName := map[string]answer{}  // workload name -> answer
	byRoute := map[string]answer{} // method+route -> first workload's answer
	var seed *answer
	for _, sc := range workload.All {
		m, err := mock.New(mock.Options{})
		if err != nil {
			return nil, err
		}
		if sc.Seed != nil {
			a := capture(m, sc.Seed("ceiling", 1))
			if a.status != http.StatusOK {
				return nil, fmt.Errorf("%s: seeding the in-process mock: %d %s", sc.Name, a.status, a.body)
			}
			seed = &a
		}
		req := sc.NewWorker(0, "ceiling").Next()
		a := capture(m, req)
		if a.status != sc.Status {
			return nil, fmt.Errorf("%s: the in-process mock answered %d, want %d: %s", sc.Name, a.status, sc.Status, a.body)
		}
		byName[sc.Name] = a
		if _, ok := byRoute[req.Method+" "+sc.Route]; !ok {
			byRoute[req.Method+" "+sc.Route] = a
		}
	}
	m, err := mock.New(mock.Options{})
	if err != nil {
		return nil, err
	}
	health := capture(m, &workload.Request{Method: http.MethodGet, Target: "/__mock/health"})

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	serve := func(a answer) echo.HandlerFunc {
		return func(c echo.Context) error { return reply(c, a) }
	}
	e.GET("/__mock/health", serve(health))
	if seed != nil {
		e.POST("/__mock/state", serve(*seed))
	}
	for key, fallback := range byRoute {
		var method, route string
		_, _ = fmt.Sscan(key, &method, &route)
		e.Add(method, route, func(c echo.Context) error {
			a, ok := byName[c.Request().Header.Get(workload.Header)]
			if !ok {
				a = fallback
			}
			return reply(c, a)
		})
	}
	return e, nil
}

// reply reads the request body, as the mock does, and writes the answer.
func reply(c echo.Context, a answer) error {
	if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
		return err
	}
	return c.Blob(a.status, a.contentType, a.body)
}

func capture(h http.Handler, r *workload.Request) answer {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req := httptest.NewRequest(r.Method, r.Target, body)
	for k, v := range r.Header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{status: rec.Code, contentType: rec.Header().Get(echo.HeaderContentType), body: rec.Body.Bytes()}
}
