// Package vendordef is everything the mock's core knows about a vendor: its
// name, the paths it owns, how its requests authenticate and which headers
// carry secrets, how it renders a refusal, how it mounts its routes, and
// how its part of a world is built, exported, merged and summarized from
// its own section of a fixture document. The core (worlds, the journal,
// faults, recording, logging) loops over a registry of these values and
// names no vendor itself.
//
// A vendor package describes itself with a Spec over its own types and
// hands the core Spec.Vendor(); the registry package lists them.
package vendordef

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/problem"
)

// Document is a fixture document: the three built-in vendors' sections by
// name, other registered vendors' sections as raw JSON beside them.
type Document = mockcontrol.FixtureDocument

// Summary counts what a world holds, per vendor.
type Summary = mockcontrol.StateSummary

// Credential is what a vendor request authenticated with.
type Credential struct {
	// Vendor names the vendor the request was for.
	Vendor string
	// Value is the secret itself (an API key, a bearer token).
	Value string
	// Scope is what the secret is bound to, for a vendor that binds it
	// (CL2C's tenant); "" otherwise.
	Scope string
	// Account names the fixture account the secret opens, as AccountOf
	// and recordings name it ("org_demo"); set by Spec.Credentials, "" on
	// a credential taken from a request.
	Account string
}

// Matches reports whether the credential is, or names, want (a fault
// rule's credential: the secret or its scope).
func (c Credential) Matches(want string) bool {
	return want != "" && (c.Value == want || (c.Scope != "" && c.Scope == want))
}

// Store is a vendor's part of one world, as the core handles it.
type Store interface {
	// Export writes the store into its section of doc.
	Export(doc *Document)
	// Summarize writes the store's counts into sum.
	Summarize(sum *Summary)
	// AccountOf names the fixture account c opens ("org_demo"), or "".
	AccountOf(c Credential) string
}

// HTTP is how a vendor meets HTTP: the paths it owns, its credentials,
// its error envelope. Spec and Vendor both carry it.
type HTTP struct {
	// Name is how --vendors, the fixture document and the journal spell it.
	Name string
	// Prefixes are the paths it owns; a path at or below one is its
	// (the longest prefix of any vendor wins).
	Prefixes []string
	// Shares are paths it answers for when the vendor owning them is not
	// served (hosts where two vendors' paths interleave).
	Shares []string
	// SecretHeaders name the request headers that carry its credentials,
	// spelled as the vendor spells them; they never reach the journal, a
	// recording or a log.
	SecretHeaders []string
	// SecretPrefix gives, per secret header, what precedes the secret in
	// its value ("Bearer " for Authorization), for a recording to write
	// the header back around a reference.
	SecretPrefix map[string]string
	// Headers are other request headers a replay must send again (CL2C's
	// tenant).
	Headers []string
	// Credential reads the credential a request to it carries.
	Credential func(req *http.Request) Credential
	// Render writes a refusal in its error envelope.
	Render problem.Renderer
}

// Vendor is one registered vendor, its types erased for the core.
type Vendor struct {
	HTTP
	// Register mounts its routes on e, each behind chain and then its own
	// checks; store finds the store serving a request.
	Register func(e *echo.Echo, chain []echo.MiddlewareFunc, store func(echo.Context) Store, maxBody int64) error
	// Build checks its section of doc and builds its store, or lists every
	// problem; maxUsers caps the users of one account.
	Build func(doc *Document, maxUsers int) (Store, []string)
	// Merge sets its section of into to add's section merged into cur's.
	Merge func(into, cur, add *Document)
	// Credentials lists the credentials its section of doc opens.
	Credentials func(doc *Document) []Credential
	// HasSection reports whether doc holds its section.
	HasSection func(doc *Document) bool
}

// Owns reports whether path is at or below one of its prefixes, and how
// long that prefix is.
func (v *Vendor) Owns(path string) (int, bool) { return longest(path, v.Prefixes) }

// Answers reports whether it answers for path when that path's owner is
// not served, and how long the shared prefix is.
func (v *Vendor) Answers(path string) (int, bool) { return longest(path, v.Shares) }

func longest(path string, prefixes []string) (int, bool) {
	best, ok := 0, false
	for _, p := range prefixes {
		if (path == p || strings.HasPrefix(path, p+"/")) && len(p) >= best {
			best, ok = len(p), true
		}
	}
	return best, ok
}

// Spec describes a vendor over its own types: S is its fixture section,
// T its store.
type Spec[S any, T any] struct {
	HTTP
	// Register mounts the routes behind chain; see Vendor.Register.
	Register func(e *echo.Echo, chain []echo.MiddlewareFunc, store func(echo.Context) T, maxBody int64) error
	// Section reads its section of a document (nil when absent) and
	// SetSection writes it; ExtraSection gives both for a vendor the
	// document has no field of its own for.
	Section    func(doc *Document) *S
	SetSection func(doc *Document, s *S)
	// SectionProblem, when set, names why a present section cannot be
	// read ("" when it can); ExtraSection provides it.
	SectionProblem func(doc *Document) string
	// Build checks a section (nil: none) and builds the store.
	Build func(s *S) (T, []string)
	// Export writes the store as a section.
	Export func(t T) *S
	// Summarize writes the store's counts into sum.
	Summarize func(t T, sum *Summary)
	// Merge merges add into base (either may be nil).
	Merge func(base, add *S) *S
	// AccountOf names the account a credential opens, or "".
	AccountOf func(t T, c Credential) string
	// Credentials lists the credentials a section opens.
	Credentials func(s *S) []Credential
	// Accounts lists each account of a section with its users, by the
	// path a problem about it names ("organizations[0]"), for the limit
	// on users per account.
	Accounts func(s *S) []Account
}

// Account is one account of a section and how many users it holds.
type Account struct {
	Path  string
	Users int
}

// typed is a store with the spec that built it.
type typed[S, T any] struct {
	spec  *Spec[S, T]
	store T
}

func (t *typed[S, T]) Export(doc *Document)   { t.spec.SetSection(doc, t.spec.Export(t.store)) }
func (t *typed[S, T]) Summarize(sum *Summary) { t.spec.Summarize(t.store, sum) }
func (t *typed[S, T]) AccountOf(c Credential) string {
	return t.spec.AccountOf(t.store, c)
}

// Vendor erases the spec's types for the core.
func (s Spec[S, T]) Vendor() Vendor {
	spec := &s
	return Vendor{
		HTTP: s.HTTP,
		Register: func(e *echo.Echo, chain []echo.MiddlewareFunc, store func(echo.Context) Store, maxBody int64) error {
			return spec.Register(e, chain, func(c echo.Context) T { return store(c).(*typed[S, T]).store }, maxBody)
		},
		Build: func(doc *Document, maxUsers int) (Store, []string) {
			var problems []string
			if spec.SectionProblem != nil {
				if p := spec.SectionProblem(doc); p != "" {
					problems = append(problems, p)
				}
			}
			sec := spec.Section(doc)
			if sec != nil && spec.Accounts != nil {
				for _, a := range spec.Accounts(sec) {
					if a.Users > maxUsers {
						problems = append(problems, fmt.Sprintf("%s.%s.users: %d users exceed the limit of %d", spec.Name, a.Path, a.Users, maxUsers))
					}
				}
			}
			t, more := spec.Build(sec)
			return &typed[S, T]{spec: spec, store: t}, append(problems, more...)
		},
		Merge: func(into, cur, add *Document) {
			spec.SetSection(into, spec.Merge(spec.Section(cur), spec.Section(add)))
		},
		Credentials: func(doc *Document) []Credential {
			if sec := spec.Section(doc); sec != nil {
				return spec.Credentials(sec)
			}
			return nil
		},
		HasSection: func(doc *Document) bool { return spec.Section(doc) != nil },
	}
}

// Extra reads and writes the section of a vendor the document has no
// field for: it travels among the document's additional properties under
// its vendor's name, decoded strictly into S on the way in.
type Extra[S any] struct{ Name string }

// Section reads the section; one that does not decode reads as absent
// (Problem says why).
func (x Extra[S]) Section(doc *Document) *S {
	raw, ok := doc.AdditionalProperties[x.Name]
	if !ok {
		return nil
	}
	s, err := decodeStrict[S](raw)
	if err != nil {
		return nil
	}
	return s
}

// SetSection writes the section; nil removes it.
func (x Extra[S]) SetSection(doc *Document, s *S) {
	if s == nil {
		delete(doc.AdditionalProperties, x.Name)
		return
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("vendor %s: its section does not encode: %v", x.Name, err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("vendor %s: its section is not an object: %v", x.Name, err))
	}
	if doc.AdditionalProperties == nil {
		doc.AdditionalProperties = map[string]map[string]any{}
	}
	doc.AdditionalProperties[x.Name] = m
}

// Problem names why a present section does not decode into S, or "".
func (x Extra[S]) Problem(doc *Document) string {
	raw, ok := doc.AdditionalProperties[x.Name]
	if !ok {
		return ""
	}
	if _, err := decodeStrict[S](raw); err != nil {
		return x.Name + ": " + err.Error()
	}
	return ""
}

func decodeStrict[S any](raw map[string]any) (*S, error) {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var s S
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	return &s, nil
}
