package mock

import (
	"context"
	"net/http"
	"strings"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

// ReplayFunc runs a scenario file against target and reports every step;
// mock/replay.Run is the one mockserver uses. It lives outside this package
// because it reuses the contract suite's runner, which imports this one.
type ReplayFunc func(ctx context.Context, file []byte, target ReplayTarget) (*mockcontrol.ReplayReport, error)

// ReplayTarget is where a ReplayFunc runs a file: this mock, in-process,
// in a session of its own.
type ReplayTarget struct {
	// Handler is the mock; every request of the run goes through it.
	Handler http.Handler
	// ControlToken is the mock's control token ("" for none), for the
	// control calls of the run.
	ControlToken string
	// Fixtures is the world the session starts from; references in the
	// file resolve against it.
	Fixtures *fixtures.Document
	// Session is the session to run in.
	Session string
	// CreateSession makes Session afresh from Fixtures; RemoveSession drops
	// it again when the file's own fixtures or faults are refused.
	CreateSession func(name string) error
	RemoveSession func(name string)
}

// ReplayRefusedError is a file that cannot run: it does not load, or the
// mock refuses its fixtures or fault rules. Problems lists every reason.
type ReplayRefusedError struct{ Problems []string }

func (e *ReplayRefusedError) Error() string { return strings.Join(e.Problems, "; ") }
