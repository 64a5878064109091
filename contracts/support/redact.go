package support

import (
	"slices"
	"strings"

	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
)

// Headers and query parameters are redacted by the mock's own list
// (mock/redact, see describeRequest); the Scrubber adds the values: every
// credential the fixtures hold is hidden wherever it appears (spec
// failures, JUnit, the fidelity report), with the same marker.

// Scrubber hides known secret values wherever they appear in a text: a
// key echoed in a body or a message is hidden as surely as a header.
type Scrubber struct{ secrets []string }

// minSecretLen keeps very short values (which would match ordinary words)
// out of the scrubber; no credential of the suite is that short.
const minSecretLen = 4

// SecretsOf lists the credentials a fixture document holds, for every
// vendor the mock's registry knows.
func SecretsOf(doc *fixtures.Document) []string {
	if doc == nil {
		return nil
	}
	return registry.Secrets(doc)
}

// NewScrubber hides every given secret (and the control token, when set).
func NewScrubber(secrets ...string) *Scrubber {
	s := &Scrubber{}
	for _, v := range secrets {
		if len(v) >= minSecretLen && !slices.Contains(s.secrets, v) {
			s.secrets = append(s.secrets, v)
		}
	}
	// Longest first, so a secret that contains another is hidden whole.
	slices.SortFunc(s.secrets, func(a, b string) int { return len(b) - len(a) })
	return s
}

// Scrub returns text with every secret replaced by Redacted.
func (s *Scrubber) Scrub(text string) string {
	if s == nil {
		return text
	}
	for _, v := range s.secrets {
		text = strings.ReplaceAll(text, v, Redacted)
	}
	return text
}
