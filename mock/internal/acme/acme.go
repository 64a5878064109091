// Package acme is a vendor that exists only for tests: one route, one
// rule, one error envelope. It proves that a vendor is its own package
// plus one registry line; see acme_test.go.
package acme

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// Name is the vendor's registry name and fixture section.
const Name = "acme"

// KeyHeader carries the API key that opens an account.
const KeyHeader = "X-Acme-Key"

// Section is acme's part of a fixture document.
type Section struct {
	Accounts []Account `json:"accounts"`
}

// Account is reached through its keys and holds notes.
type Account struct {
	ID    string   `json:"id"`
	Keys  []string `json:"keys"`
	Notes []Note   `json:"notes"`
}

// Note is the one kind of record acme keeps.
type Note struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Store is acme's part of one world.
type Store struct {
	mu       sync.Mutex
	accounts []Account
}

var extra = vendordef.Extra[Section]{Name: Name}

// Spec describes acme to the registry.
var Spec = vendordef.Spec[Section, *Store]{
	HTTP: vendordef.HTTP{
		Name:          Name,
		Prefixes:      []string{"/acme/v1"},
		SecretHeaders: []string{KeyHeader},
		Credential: func(req *http.Request) vendordef.Credential {
			return vendordef.Credential{Vendor: Name, Value: req.Header.Get(KeyHeader)}
		},
		Render: render,
	},
	Register:       register,
	Section:        extra.Section,
	SetSection:     extra.SetSection,
	SectionProblem: extra.Problem,
	Build:          build,
	Export: func(s *Store) *Section {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := &Section{Accounts: make([]Account, len(s.accounts))}
		for i, a := range s.accounts {
			out.Accounts[i] = Account{ID: a.ID, Keys: slices.Clone(a.Keys), Notes: slices.Clone(a.Notes)}
		}
		return out
	},
	Summarize: func(s *Store, sum *vendordef.Summary) {
		s.mu.Lock()
		defer s.mu.Unlock()
		notes := 0
		for _, a := range s.accounts {
			notes += len(a.Notes)
		}
		if sum.AdditionalProperties == nil {
			sum.AdditionalProperties = map[string]map[string]int{}
		}
		sum.AdditionalProperties[Name] = map[string]int{"accounts": len(s.accounts), "notes": notes}
	},
	Merge: func(base, add *Section) *Section {
		out := &Section{}
		if base != nil {
			out.Accounts = slices.Clone(base.Accounts)
		}
		if add != nil {
			for _, a := range add.Accounts {
				if i := slices.IndexFunc(out.Accounts, func(b Account) bool { return b.ID == a.ID }); i >= 0 {
					out.Accounts[i] = a
				} else {
					out.Accounts = append(out.Accounts, a)
				}
			}
		}
		return out
	},
	AccountOf: func(s *Store, c vendordef.Credential) string {
		if a := s.account(c.Value); a != nil {
			return a.ID
		}
		return ""
	},
	Credentials: func(sec *Section) []vendordef.Credential {
		var out []vendordef.Credential
		for _, a := range sec.Accounts {
			for _, k := range a.Keys {
				out = append(out, vendordef.Credential{Vendor: Name, Value: k, Account: a.ID})
			}
		}
		return out
	},
	Accounts: func(sec *Section) []vendordef.Account {
		out := make([]vendordef.Account, len(sec.Accounts))
		for i, a := range sec.Accounts {
			out[i] = vendordef.Account{Path: fmt.Sprintf("accounts[%d]", i), Users: len(a.Notes)}
		}
		return out
	},
}

func build(sec *Section) (*Store, []string) {
	s := &Store{}
	if sec == nil {
		return s, nil
	}
	var problems []string
	seen := map[string]bool{}
	for i, a := range sec.Accounts {
		if a.ID == "" || seen[a.ID] {
			problems = append(problems, fmt.Sprintf("acme.accounts[%d].id: missing or duplicate id %q", i, a.ID))
		}
		seen[a.ID] = true
	}
	s.accounts = slices.Clone(sec.Accounts)
	return s, problems
}

// account finds the account a key opens; callers need not hold s.mu.
func (s *Store) account(key string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.accounts {
		if key != "" && slices.Contains(s.accounts[i].Keys, key) {
			return &s.accounts[i]
		}
	}
	return nil
}

// render writes a refusal in acme's envelope: {"error": "<message>"}.
func render(c echo.Context, p *problem.Problem) error {
	return c.JSON(p.Status, map[string]string{"error": p.FieldMessages()})
}

func register(e *echo.Echo, chain []echo.MiddlewareFunc, store func(echo.Context) *Store, maxBody int64) error {
	e.PUT("/acme/v1/notes/:id", func(c echo.Context) error {
		s := store(c)
		key := c.Request().Header.Get(KeyHeader)
		if s.account(key) == nil {
			return render(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusUnauthorized, Message: "unknown key"})
		}
		var body struct {
			Text string `json:"text"`
		}
		raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
		if err != nil || json.Unmarshal(raw, &body) != nil || body.Text == "" {
			// The one rule: a note has text.
			return render(c, &problem.Problem{Kind: problem.Invalid, Status: http.StatusUnprocessableEntity, Message: "text is required"})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for i := range s.accounts {
			a := &s.accounts[i]
			if !slices.Contains(a.Keys, key) {
				continue
			}
			note := Note{ID: c.Param("id"), Text: body.Text}
			if j := slices.IndexFunc(a.Notes, func(n Note) bool { return n.ID == note.ID }); j >= 0 {
				a.Notes[j] = note
			} else {
				a.Notes = append(a.Notes, note)
			}
			return c.JSON(http.StatusOK, note)
		}
		return render(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusUnauthorized, Message: "unknown key"})
	}, chain...)
	return nil
}
