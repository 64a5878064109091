package care360

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/btree"

	api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/internal/jsontest"
)

// The functions below build the generated response types the way the
// handlers did before the hand-written encoders; encoding/json writing
// them is the reference every encoder must match byte for byte.

func ptrs(u *user) [numFields]*string {
	var out [numFields]*string
	for f := range numFields {
		if v, ok := u.get(f); ok {
			out[f] = &v
		}
	}
	return out
}

func languages(u *user) []string {
	if u.languages == nil {
		return []string{}
	}
	return append([]string{}, u.languages...)
}

func listedUser(u *user) api.ListedUser {
	p := ptrs(u)
	comm := api.Communication{}
	if u.comm != nil {
		comm = api.Communication{SmsNotificationsDisabled: u.comm.sms, NotificationsDisabled: u.comm.all}
	}
	return api.ListedUser{
		Email: u.email, FirstName: p[fFirstName], LastName: p[fLastName], Dob: p[fDob],
		PhoneNumber: p[fPhoneNumber], Gender: p[fGender], Address: p[fAddress],
		Address2: p[fAddress2], City: p[fCity], State: p[fState], Country: p[fCountry],
		PostalCode: p[fPostalCode], Allergies: p[fAllergies],
		CurrentMedications: p[fCurrentMedications], HealthConditions: p[fHealthConditions],
		LanguagePreferences: languages(u), Communication: comm,
	}
}

func profileUser(u *user) api.ProfileUser {
	p := ptrs(u)
	if d := p[fDob]; d != nil {
		t := *d + "T00:00:00.000Z"
		p[fDob] = &t
	}
	return api.ProfileUser{
		Email: u.email, FirstName: p[fFirstName], LastName: p[fLastName], Dob: p[fDob],
		PhoneNumber: p[fPhoneNumber], Gender: p[fGender], Address: p[fAddress],
		Address2: p[fAddress2], City: p[fCity], State: p[fState], Country: p[fCountry],
		PostalCode: p[fPostalCode], Allergies: p[fAllergies],
		CurrentMedications: p[fCurrentMedications], HealthConditions: p[fHealthConditions],
		LanguagePreferences: languages(u),
	}
}

func emailUser(u *user) api.EmailUser {
	p := ptrs(u)
	return api.EmailUser{
		Email: u.email, FirstName: p[fFirstName], LastName: p[fLastName], Dob: p[fDob],
		PhoneNumber: p[fPhoneNumber], Gender: p[fGender], Address: p[fAddress],
		Address2: p[fAddress2], City: p[fCity], State: p[fState], Country: p[fCountry],
		PostalCode: p[fPostalCode],
	}
}

// referencePage is the get-users answer as the generated type.
func (s *Store) referencePage(o *org, q listQuery) api.UsersPage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	page, hasMore := s.page(o, q, nil)
	out := api.UsersPage{Data: make([]api.ListedUser, len(page)), Meta: api.PageMeta{HasMore: hasMore}}
	for i, u := range page {
		out.Data[i] = listedUser(u)
	}
	if len(page) > 0 {
		c := encodeCursor(page[len(page)-1])
		out.Meta.Cursor = &c
	}
	return out
}

// hostileUser sets every field whose bit is in set to a value taken from
// jsontest.Hostile, rotating by seed, and the other parts by the remaining flags.
func hostileUser(seed int, set uint32, langs int, comm int) *user {
	pick := func(i int) string { return jsontest.Hostile[(seed+i)%len(jsontest.Hostile)] }
	u := &user{id: "id" + pick(1), profile: profile{email: pick(0)}, emailKey: strings.ToLower(pick(0)), role: "USER",
		createdAt: time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC).Add(time.Duration(seed) * time.Hour)}
	for f := range numFields {
		if set&(1<<f) != 0 {
			u.put(f, pick(int(f)+2))
		}
	}
	switch langs {
	case 1:
		u.languages, u.hasLang = []string{}, true
	case 2:
		u.languages, u.hasLang = []string{pick(3), pick(4), pick(5)}, true
	}
	switch comm {
	case 1:
		u.comm = &communication{}
	case 2:
		u.comm = &communication{sms: true}
	case 3:
		u.comm = &communication{sms: true, all: true}
	}
	return u
}

func checkUser(t testing.TB, u *user) {
	t.Helper()
	jsontest.Same(t, "listed user", u.appendListed(nil), jsontest.Reference(t, listedUser(u)))
	s := newStore()
	jsontest.Same(t, "listing", s.appendListing(nil, u), jsontest.Reference(t, listedUser(u)))
	jsontest.Same(t, "cached listing", s.appendListing([]byte("x"), u)[1:], jsontest.Reference(t, listedUser(u)))
	jsontest.Same(t, "profile user", u.appendProfile(nil), jsontest.Reference(t, profileUser(u)))
	jsontest.Same(t, "email user", u.appendEmailView(nil), jsontest.Reference(t, emailUser(u)))

	profile := api.ProfileUpdatedResponse{Status: 200, Success: true, Message: "Profile updated successfully"}
	profile.Data.User = profileUser(u)
	jsontest.Same(t, "profile answer", (&profileUpdated{user: u.profile}).AppendJSON(nil), jsontest.Reference(t, profile))
	email := api.EmailUpdatedResponse{Status: 200, Success: true, Message: "Email updated successfully"}
	email.Data.User = emailUser(u)
	jsontest.Same(t, "email answer", (&emailUpdated{user: u.profile}).AppendJSON(nil), jsontest.Reference(t, email))

	c := encodeCursor(u)
	jsontest.Same(t, "cursor", appendCursor(nil, u), jsontest.Reference(t, c))
}

func TestUserEncodersMatchEncodingJSON(t *testing.T) {
	sets := []uint32{0, 1<<numFields - 1, 1 << fDob, 1 << fAddress2, 0b1010101010101, 0b0101010101010}
	for seed := range len(jsontest.Hostile) {
		for _, set := range sets {
			for langs := range 3 {
				for comm := range 4 {
					checkUser(t, hostileUser(seed, set, langs, comm))
				}
			}
		}
	}
}

func TestEnvelopeEncodersMatchEncodingJSON(t *testing.T) {
	for _, msg := range jsontest.Hostile {
		for _, status := range []int{0, 200, 400, 404, 413, 500, -1} {
			for _, success := range []bool{false, true} {
				jsontest.Same(t, "error envelope", (&errorAnswer{Status: status, Success: api.ErrorResponseSuccess(success), Message: msg}).AppendJSON(nil),
					jsontest.Reference(t, api.ErrorResponse{Status: status, Success: api.ErrorResponseSuccess(success), Message: msg}))
				q := api.QueryError{Status: status, Success: api.QueryErrorSuccess(success), Error: msg, Code: msg + "X"}
				jsontest.Same(t, "query envelope", (*queryAnswer)(&q).AppendJSON(nil), jsontest.Reference(t, q))
			}
		}
	}
	documented := api.MissingApiKeyError{Status: 400, Success: false, Error: "Missing cv-api-key header", Code: "CASE_ERROR"}
	jsontest.Same(t, "missing key", missingKeyBody.AppendJSON(nil), jsontest.Reference(t, documented))
}

func TestCursorTimeMatchesFormat(t *testing.T) {
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 6, 7, 8, 9, 10, 11_000_000, time.FixedZone("east", 5*3600+1800)),
	}
	for i := range 2000 {
		times = append(times, time.UnixMilli(int64(i)*7_919_999_983_1).UTC(), time.Unix(int64(i)*-86_399_999, int64(i)*499_999))
	}
	for _, at := range times {
		if got, want := string(appendCursorTime(nil, at)), at.UTC().Format(cursorTime); got != want {
			t.Fatalf("appendCursorTime(%v) = %s, Format writes %s", at, got, want)
		}
	}
}

// pageStore builds an organization whose users carry jsontest.Hostile values and
// colliding creation times.
func pageStore(n int) (*Store, *org) {
	s := newStore()
	o := &org{id: "org", byEmail: btree.NewG(32, lessEmail)}
	for i := range n {
		u := hostileUser(i, uint32(i*2654435761)&(1<<numFields-1), i%3, i%4)
		u.id = strings.Repeat("z", i%3) + u.id
		u.createdAt = time.Date(2025, 1, 1, 0, 0, i/2, 0, time.UTC)
		u.org = o
		o.byTime = append(o.byTime, u)
		o.byEmail.ReplaceOrInsert(u)
	}
	s.orgs = append(s.orgs, o)
	return s, o
}

func TestPageEncoderMatchesEncodingJSON(t *testing.T) {
	s, o := pageStore(40)
	mid := position{createdAt: o.byTime[0].createdAt.Add(7 * time.Second), id: "m"}
	for _, q := range []listQuery{
		{limit: DefaultLimit}, {limit: 1}, {limit: 100}, {limit: 5, desc: true},
		{limit: 3, after: &mid}, {limit: 50, desc: true, after: &mid},
		{limit: 10, after: &position{createdAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{limit: 10, prefix: "zzz-no-match"}, {limit: 10, prefix: "q"}, {limit: 2, prefix: "b", desc: true},
	} {
		jsontest.Same(t, "page", s.appendList(nil, o, q), jsontest.Reference(t, s.referencePage(o, q)))
	}
	empty := &org{id: "empty", byEmail: btree.NewG(32, lessEmail)}
	jsontest.Same(t, "empty page", s.appendList(nil, empty, listQuery{limit: 10}), jsontest.Reference(t, s.referencePage(empty, listQuery{limit: 10})))
}

// FuzzCare360Encode compares every Care360 encoder with encoding/json
// writing the generated type, for a user whose every field is one of the
// fuzzed strings or unset.
func FuzzCare360Encode(f *testing.F) {
	for i, s := range jsontest.Hostile {
		f.Add(s, jsontest.Hostile[(i+1)%len(jsontest.Hostile)], uint32(i*977), uint8(i), 400+i)
	}
	f.Fuzz(func(t *testing.T, a, b string, set uint32, flags uint8, status int) {
		u := &user{id: b, profile: profile{email: a}, createdAt: time.UnixMilli(int64(set) * int64(status) * 1013).UTC()}
		for fld := range numFields {
			if set&(1<<fld) != 0 {
				v := a
				if fld%2 == 1 {
					v = b
				}
				u.put(fld, v)
			}
		}
		switch flags % 3 {
		case 1:
			u.languages = []string{}
		case 2:
			u.languages = []string{a, b}
		}
		if flags&4 != 0 {
			u.comm = &communication{sms: flags&8 != 0, all: flags&16 != 0}
		}
		checkUser(t, u)
		jsontest.Same(t, "error envelope", (&errorAnswer{Status: status, Message: a}).AppendJSON(nil),
			jsontest.Reference(t, api.ErrorResponse{Status: status, Message: a}))
		q := api.QueryError{Status: status, Error: a, Code: b}
		jsontest.Same(t, "query envelope", (*queryAnswer)(&q).AppendJSON(nil), jsontest.Reference(t, q))
	})
}

// BenchmarkEncode compares each hand-written Care360 answer with
// encoding/json writing the generated type built per request, as the
// handlers did before.
func BenchmarkEncode(b *testing.B) {
	s, o := pageStore(40)
	for _, u := range o.byTime {
		u.text = [numFields]string{"John", "Doe", "1990-01-02", "+15551234567", "male", "1 Main St", "Apt 2",
			"Boston", "MA", "US", "02110", "none", "none", "none"}
		u.set = 1<<numFields - 1
		u.email = "john.doe@example.com"
	}
	u := o.byTime[0]
	q := listQuery{limit: DefaultLimit}
	buf := make([]byte, 0, 16<<10)
	cases := []struct {
		name       string
		hand       func()
		reflection func() any
	}{
		{"users-page", func() { buf = s.appendList(buf[:0], o, q) }, func() any { return s.referencePage(o, q) }},
		{"profile-updated", func() { buf = (&profileUpdated{user: u.profile}).AppendJSON(buf[:0]) }, func() any {
			r := api.ProfileUpdatedResponse{Status: 200, Success: true, Message: "Profile updated successfully"}
			r.Data.User = profileUser(u)
			return r
		}},
		{"email-updated", func() { buf = (&emailUpdated{user: u.profile}).AppendJSON(buf[:0]) }, func() any {
			r := api.EmailUpdatedResponse{Status: 200, Success: true, Message: "Email updated successfully"}
			r.Data.User = emailUser(u)
			return r
		}},
		{"error", func() {
			buf = (&errorAnswer{Status: 400, Message: "User nobody@example.com does not exist"}).AppendJSON(buf[:0])
		}, func() any { return api.ErrorResponse{Status: 400, Message: "User nobody@example.com does not exist"} }},
	}
	for _, c := range cases {
		b.Run(c.name+"/hand-written", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.hand()
			}
		})
		b.Run(c.name+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(c.reflection()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestListingCacheFollowsUpdates checks that pages show every change at
// once, while other goroutines read and build the cached listings.
func TestListingCacheFollowsUpdates(t *testing.T) {
	str := func(s string) *string { return &s }
	s, problems := Build(&mockcontrol.Care360Fixtures{Organizations: []mockcontrol.Care360Organization{{
		Name: "Cache", ApiKeys: []string{"k"}, Users: []mockcontrol.Care360User{
			{Email: "a@example.com", FirstName: str("Ann"), City: str("Boston")},
			{Email: "b@example.com", LanguagePreferences: []string{"en"}},
		},
	}}})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	o := s.orgs[0]
	q := listQuery{limit: 100}
	check := func(what string) {
		t.Helper()
		jsontest.Same(t, what, s.appendList(nil, o, q), jsontest.Reference(t, s.referencePage(o, q)))
	}
	check("first page")
	check("page from the cache")
	if _, r := s.updateProfile(o, &api.ProfileUpdate{Email: "a@example.com", City: str(`Quote " & <city>`)}); r != nil {
		t.Fatal(r)
	}
	check("page after a profile update")
	if !bytes.Contains(s.appendList(nil, o, q), []byte(`"city":"Quote \" & <city>"`)) {
		t.Fatalf("the page does not show the new city: %s", s.appendList(nil, o, q))
	}
	if _, r := s.updateEmail(o, &api.EmailUpdate{CurrentEmail: "b@example.com", NewEmail: "B2@example.com"}); r != nil {
		t.Fatal(r)
	}
	check("page after an email update")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var page api.UsersPage
				if err := json.Unmarshal(s.appendList(nil, o, q), &page); err != nil {
					t.Error(err)
					return
				}
				if city := *page.Data[0].City; city != "One" && city != "Two" && city != `Quote " & <city>` {
					t.Errorf("page shows city %q, which no update set", city)
					return
				}
			}
		}()
	}
	for i := range 200 {
		city := []string{"One", "Two"}[i%2]
		if _, r := s.updateProfile(o, &api.ProfileUpdate{Email: "a@example.com", City: &city}); r != nil {
			t.Fatal(r)
		}
	}
	close(stop)
	wg.Wait()
	check("page after concurrent updates")
}

// TestListingBudget checks that the cached listings stop at the store's
// budget, that pages stay the same past it, and that changes give the
// budget back.
func TestListingBudget(t *testing.T) {
	q := listQuery{limit: 100}
	s, o := pageStore(40)
	s.listingBudget = 0
	jsontest.Same(t, "page without a cache", s.appendList(nil, o, q), jsontest.Reference(t, s.referencePage(o, q)))
	if n := s.listingBytes.Load(); n != 0 {
		t.Fatalf("a store without a budget cached %d bytes", n)
	}

	s, o = pageStore(60)
	s.listingBudget = 5000
	jsontest.Same(t, "first page", s.appendList(nil, o, q), jsontest.Reference(t, s.referencePage(o, q)))
	jsontest.Same(t, "second page", s.appendList(nil, o, q), jsontest.Reference(t, s.referencePage(o, q)))
	var cached, listed int64
	for _, u := range o.byTime {
		if b := u.listed.Load(); b != nil {
			cached++
			listed += int64(len(*b))
		}
	}
	if n := s.listingBytes.Load(); n != listed || n < s.listingBudget || cached == 0 || cached == int64(len(o.byTime)) {
		t.Fatalf("%d listings cached, %d bytes counted, %d held: the cache should stop just past the budget of %d",
			cached, n, listed, s.listingBudget)
	}
	for _, u := range o.byTime {
		s.dropListing(u)
	}
	if n := s.listingBytes.Load(); n != 0 {
		t.Fatalf("%d bytes counted after every listing was dropped", n)
	}
}
