package support

import (
	"github.com/onsi/ginkgo/v2"
)

// need skips the spec when ok is false, naming what the fixtures lack.
func need(ok bool, what string) {
	ginkgo.GinkgoHelper()
	if !ok {
		Skip("fixtures have no " + what)
	}
}

// selects reports whether every predicate selects u.
func selects[U any, P ~func(U) bool](u U, where []P) bool {
	for _, p := range where {
		if !p(u) {
			return false
		}
	}
	return true
}

// first returns the first of us, or skips the spec with "fixtures have
// no <what>".
func first[U any](what string, us []U) U {
	ginkgo.GinkgoHelper()
	need(len(us) > 0, what)
	return us[0]
}

// skipSignal carries a Skip out of Try.
type skipSignal struct{ reason string }

// trying is set while Try runs; specs run one at a time per process.
var trying bool

// Skip skips the spec with reason, or, inside Try, hands the reason back
// to Try instead.
func Skip(reason string) {
	ginkgo.GinkgoHelper()
	if trying {
		panic(skipSignal{reason})
	}
	ginkgo.Skip(reason)
}

// Try runs fn and returns the reason it skipped for ("" when it did not).
// An Ordered container's BeforeAll uses it: a Skip there would leave every
// later spec with ginkgo's reasonless "Skip() was called in BeforeAll",
// so each spec skips with the reason itself.
func Try(fn func()) (reason string) {
	trying = true
	defer func() {
		trying = false
		if r := recover(); r != nil {
			s, ok := r.(skipSignal)
			if !ok {
				panic(r)
			}
			reason = s.reason
		}
	}()
	fn()
	return ""
}
