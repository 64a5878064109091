package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

func TestLuaQuote(t *testing.T) {
	for in, want := range map[string]string{
		``:                   `""`,
		`{"a":"b\\c"}`:       `"{\"a\":\"b\\\\c\"}"`,
		"line\nnext\x7fé":    `"line\010next\127\195\169"`,
		"Bearer r1-token ok": `"Bearer r1-token ok"`,
	} {
		if got := luaQuote(in); got != want {
			t.Errorf("luaQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestWrkReplaysWorkloads runs wrk (when installed) for a second against
// an in-process mock: the email moves, whose workers each own a user and
// advance only on a 200, and the documented 400 all answer as expected;
// the same requests at a mock without CL2C are all counted as errors.
func TestWrkReplaysWorkloads(t *testing.T) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk is not installed (apt-get install wrk)")
	}
	const conc = 4
	run := func(t *testing.T, h http.Handler, name string) wrkTotals {
		t.Helper()
		srv := httptest.NewServer(h)
		defer srv.Close()
		sc, _ := workload.Find(name)
		if sc.Seed != nil {
			if status, body, err := send(srv.Client(), srv.URL, sc.Name, sc.Seed("t", conc)); err != nil || status != http.StatusOK {
				t.Fatalf("seed: %d %s %v", status, body, err)
			}
		}
		plan, err := planWrk(sc, "t", conc, 1)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		totals, _, err := runWrk(ctx, bin, srv.URL, plan, conc, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return totals
	}
	newMock := func(t *testing.T, opts mock.Options) *mock.Mock {
		m, err := mock.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, name := range []string{"update-email", "documented-400"} {
		t.Run(name, func(t *testing.T) {
			got := run(t, newMock(t, mock.Options{}), name)
			if got.Requests == 0 || got.Bad != 0 || got.SocketErrors != 0 || got.ServerErrors != 0 {
				t.Fatalf("%+v (first error %q)", got, got.first)
			}
		})
	}
	t.Run("errors are counted", func(t *testing.T) {
		got := run(t, newMock(t, mock.Options{Vendors: []string{"care360"}}), "cl2c-update")
		if got.Requests == 0 || got.Bad != got.Requests || got.first == "" {
			t.Fatalf("%+v (first error %q)", got, got.first)
		}
	})
}
