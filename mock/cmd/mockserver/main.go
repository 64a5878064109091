// Command mockserver serves the Care360, CL2C and R1 Discover mocks and
// their control API on one port.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mockserver:", err)
		os.Exit(1)
	}
}

type config struct {
	addr     string
	fixtures string
	vendors  string
	logLevel string
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.fixtures, "fixtures", "", "fixture document (JSON or YAML) to start from and to reset to;\nthe embedded default fixtures when empty")
	fs.StringVar(&c.vendors, "vendors", strings.Join(mock.AllVendors, ","), "comma-separated `list` of vendors to serve")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `level`: debug, info (one line per request), warn or error")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: mockserver [flags]\n\nServes stateful mocks of the Care360, CL2C and R1 Discover user APIs and\nthe /__mock/ control API on one port.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, nil
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	opts := mock.Options{Logger: logger}
	if cfg.vendors != "" {
		opts.Vendors = strings.Split(cfg.vendors, ",")
	}
	if cfg.fixtures != "" {
		doc, err := fixtures.Load(cfg.fixtures)
		if err != nil {
			return fmt.Errorf("--fixtures: %w", err)
		}
		opts.Fixtures = doc
	}
	m, err := mock.New(opts)
	if err != nil {
		return fmt.Errorf("cannot start: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{
		Handler:           m,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "vendors", strings.Join(m.Vendors(), ","), "fixtures", fixturesName(cfg.fixtures))

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func fixturesName(path string) string {
	if path == "" {
		return "embedded defaults"
	}
	return path
}
