package mock_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vendorsuite/contracts/mock/fixtures"
)

// Concurrent invariants: many goroutines update colliding emails, phone
// numbers, usernames and R1 emails, merge documents and read, all at once;
// afterwards the world must be consistent. Each goroutine owns its users,
// so the last successful write of a field is well defined; only the
// uniqueness fields collide.
const (
	invWorkers = 16
	invOps     = 128 // per worker
)

// invUser is what one goroutine expects of one of its Care360 users.
type invUser struct {
	id, key        string
	email          string // last successful email
	city, phone    string // last successful values ("" = seeded)
	seededPhone    string
	cl2cID, cl2cFN string
	r1ID           string
	r1User, r1Mail string
	r1CompanyUser  string
}

// invRecord is one goroutine's log.
type invRecord struct {
	users           [2]*invUser
	rejectedCities  []string // cities of refused UPDATE_PROFILE requests
	rejectedCL2C    []string // first names of refused CL2C updates
	rejectedR1CU    []string // company usernames of refused R1 updates
	mergedKeys      []string // API keys of accepted merges
	mergedEmails    []string
	rejectedKeys    []string // API keys of refused merges
	ok, refused     int
	unexpectedLines []string
}

func (r *invRecord) unexpected(format string, args ...any) {
	if len(r.unexpectedLines) < 10 {
		r.unexpectedLines = append(r.unexpectedLines, fmt.Sprintf(format, args...))
	}
}

func TestConcurrentInvariants(t *testing.T) {
	t.Parallel()
	m := newMock(t)

	// Seed: two organizations (collisions across organizations answer
	// differently), a CL2C user and an R1 client per worker user.
	var orgs [2][]string
	var cl2cUsers, r1Users []string
	recs := make([]*invRecord, invWorkers)
	for g := range invWorkers {
		recs[g] = &invRecord{}
		for k := range 2 {
			u := &invUser{
				id: fmt.Sprintf("inv-g%02d-u%d", g, k), key: []string{"inv-key-a", "inv-key-b"}[g%2],
				email: fmt.Sprintf("g%02du%d@inv.example.com", g, k), seededPhone: fmt.Sprintf("+1700%04d%d", g, k),
				cl2cID: fmt.Sprintf("inv-cl2c-g%02d-u%d", g, k), cl2cFN: "Seeded",
				r1ID: fmt.Sprintf("invg%02du%d", g, k), r1User: fmt.Sprintf("inv_g%02d_u%d", g, k),
				r1Mail: fmt.Sprintf("inv.g%02d.u%d@r1.example.com", g, k), r1CompanyUser: fmt.Sprintf("inv_g%02d_u%d", g, k),
			}
			u.phone = u.seededPhone
			recs[g].users[k] = u
			orgs[g%2] = append(orgs[g%2], fmt.Sprintf(`{"id":%q,"email":%q,"role":"USER","firstName":"F","lastName":"L","phoneNumber":%q}`, u.id, u.email, u.phone))
			cl2cUsers = append(cl2cUsers, fmt.Sprintf(`{"id":%q,"firstName":"Seeded","lastName":"L"}`, u.cl2cID))
			r1Users = append(r1Users, fmt.Sprintf(`{"clientId":%q,"username":%q,"companyUsername":%q,"email":%q,"status":"active"}`, u.r1ID, u.r1User, u.r1CompanyUser, u.r1Mail))
		}
	}
	seed := fmt.Sprintf(`{"care360":{"organizations":[
		{"id":"org_inv_a","name":"Invariant A","apiKeys":["inv-key-a"],"users":[%s]},
		{"id":"org_inv_b","name":"Invariant B","apiKeys":["inv-key-b"],"users":[%s]}]},
		"cl2c":{"tenants":[{"id":"tenant-demo","apiKeys":["cl2c-demo-key"],"users":[%s]}]},
		"r1discover":{"companies":[{"id":1,"users":[%s]}]}}`,
		strings.Join(orgs[0], ","), strings.Join(orgs[1], ","), strings.Join(cl2cUsers, ","), strings.Join(r1Users, ","))
	if rec := send(m, http.MethodPost, "/__mock/state", "application/json", seed); rec.Code != 200 {
		t.Fatalf("seed: %d %s", rec.Code, rec.Body)
	}

	emailPool := func(r *rand.Rand) string {
		e := fmt.Sprintf("pool%d@inv.example.com", r.IntN(6))
		switch r.IntN(10) {
		case 0:
			return "ghost@example.com" // an authentication identity
		case 1:
			return "JOHN.DOE@example.com" // a fixture user of another organization
		case 2, 3:
			return strings.ToUpper(e[:5]) + e[5:]
		}
		return e
	}
	phonePool := []string{"+17999000001", "+17999000002", "+17999000003", "+15550000001"}
	r1NamePool := []string{"pool_user_0", "Pool_User_1", "POOL_USER_2", "taken_user"}
	r1MailPool := []string{"pool0@r1.example.com", "Pool1@R1.example.com", "taken@example.com"}

	var wg sync.WaitGroup
	for g := range invWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := recs[g]
			r := rand.New(rand.NewPCG(uint64(g), 42))
			for i := range invOps {
				u := rec.users[(i/8)%2]
				switch i % 8 {
				case 0, 1: // UPDATE_EMAIL to a colliding (or occasionally own) address
					next := emailPool(r)
					if r.IntN(4) == 0 {
						next = fmt.Sprintf("g%02d.%d@inv.example.com", g, i)
					}
					body := fmt.Sprintf(`{"action":"UPDATE_EMAIL","data":{"currentEmail":%q,"newEmail":%q}}`, u.email, next)
					res := send(m, http.MethodPost, "/api/v1/users", "application/json", body, "cv-api-key", u.key)
					switch res.Code {
					case 200:
						rec.ok++
						u.email = next
					case 400:
						rec.refused++
						if !strings.Contains(res.Body.String(), "already exists") {
							rec.unexpected("email %s: %d %s", body, res.Code, res.Body)
						}
					default:
						rec.unexpected("email %s: %d %s", body, res.Code, res.Body)
					}
				case 2, 3: // UPDATE_PROFILE: a unique city, maybe a colliding phone
					city := fmt.Sprintf("city-g%02d-%d", g, i)
					phone := ""
					data := fmt.Sprintf(`"email":%q,"city":%q`, strings.ToUpper(u.email), city)
					if r.IntN(2) == 0 {
						phone = phonePool[r.IntN(len(phonePool))]
						if r.IntN(4) == 0 {
							phone = u.seededPhone
						}
						data += fmt.Sprintf(`,"phoneNumber":%q`, phone)
					}
					res := send(m, http.MethodPost, "/api/v1/users", "application/json", `{"action":"UPDATE_PROFILE","data":{`+data+`}}`, "cv-api-key", u.key)
					switch res.Code {
					case 200:
						rec.ok++
						u.city = city
						if phone != "" {
							u.phone = phone
						}
					case 400:
						rec.refused++
						rec.rejectedCities = append(rec.rejectedCities, city)
						if !strings.Contains(res.Body.String(), "Unable to use this phone number") {
							rec.unexpected("profile %s: %d %s", data, res.Code, res.Body)
						}
					default:
						rec.unexpected("profile %s: %d %s", data, res.Code, res.Body)
					}
				case 4: // CL2C: a unique first name, or a refused body carrying one
					fn := fmt.Sprintf("cl-g%02d-%d", g, i)
					body := fmt.Sprintf(`{"id":%q,"firstName":%q,"lastName":"L"}`, u.cl2cID, fn)
					bad := r.IntN(3) == 0
					if bad {
						body = fmt.Sprintf(`{"id":%q,"firstName":%q,"lastName":"L","phoneNumber":"not-a-phone"}`, u.cl2cID, fn)
					}
					res := send(m, http.MethodPut, "/v1/cl2c/user", "application/json", body, "tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key")
					switch {
					case res.Code == 200 && !bad:
						rec.ok++
						u.cl2cFN = fn
					case res.Code == 400 && bad:
						rec.refused++
						rec.rejectedCL2C = append(rec.rejectedCL2C, fn)
					default:
						rec.unexpected("cl2c %s: %d %s", body, res.Code, res.Body)
					}
				case 5: // R1: colliding username and email, a unique company username
					name, mail := r1NamePool[r.IntN(len(r1NamePool))], r1MailPool[r.IntN(len(r1MailPool))]
					cu := fmt.Sprintf("cu_g%02d_%d", g, i)
					body := fmt.Sprintf(`{"username":%q,"company_username":%q,"client_email":%q}`, name, cu, mail)
					res := send(m, http.MethodPut, "/api/v1/companies/1/users/"+u.r1ID, "application/json", body, "Authorization", "Bearer r1-demo-token")
					switch res.Code {
					case 200:
						rec.ok++
						u.r1User, u.r1Mail, u.r1CompanyUser = name, mail, cu
					case 422:
						rec.refused++
						rec.rejectedR1CU = append(rec.rejectedR1CU, cu)
					default:
						rec.unexpected("r1 %s: %d %s", body, res.Code, res.Body)
					}
				case 6: // control merge: a fresh organization, or one that collides
					key := fmt.Sprintf("merge-g%02d-%d", g, i)
					email := fmt.Sprintf("m.g%02d.%d@merge.example.com", g, i)
					users := fmt.Sprintf(`{"email":%q,"role":"USER"}`, email)
					collide := r.IntN(3) == 0
					if collide {
						users += `,{"email":"JOHN.DOE@EXAMPLE.COM"}`
					}
					doc := fmt.Sprintf(`{"care360":{"organizations":[{"name":"Merged %s","apiKeys":[%q],"users":[%s]}]}}`, key, key, users)
					res := send(m, http.MethodPost, "/__mock/state", "application/json", doc)
					switch {
					case res.Code == 200 && !collide:
						rec.ok++
						rec.mergedKeys = append(rec.mergedKeys, key)
						rec.mergedEmails = append(rec.mergedEmails, email)
					case res.Code == 400 && collide:
						rec.refused++
						rec.rejectedKeys = append(rec.rejectedKeys, key)
					default:
						rec.unexpected("merge %s: %d %s", doc, res.Code, res.Body)
					}
				case 7: // reads
					if res := send(m, http.MethodGet, "/__mock/state", "", ""); res.Code != 200 || !json.Valid(res.Body.Bytes()) {
						rec.unexpected("GET state: %d", res.Code)
					}
					if res := send(m, http.MethodGet, "/api/v1/users?limit=7", "", "", "cv-api-key", u.key); res.Code != 200 {
						rec.unexpected("list: %d %s", res.Code, res.Body)
					}
				}
			}
		}()
	}
	wg.Wait()

	ok, refused := 0, 0
	for g, rec := range recs {
		for _, l := range rec.unexpectedLines {
			t.Errorf("worker %d: unexpected answer: %s", g, l)
		}
		ok, refused = ok+rec.ok, refused+rec.refused
	}
	t.Logf("%d successful and %d refused writes", ok, refused)
	if ok == 0 || refused == 0 {
		t.Fatalf("the workload did not both succeed and collide (ok %d, refused %d)", ok, refused)
	}

	state := m.State()
	checkUniqueness(t, state)
	checkLastWrites(t, state, recs)
	checkPagination(t, m, state)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkUniqueness: no two Care360 users share an email (case-insensitive)
// or phone number, no user has an authentication-only identity's email;
// no two R1 clients share a username or email (case-insensitive).
func checkUniqueness(t *testing.T, state *fixtures.Document) {
	t.Helper()
	emails, phones := map[string]string{}, map[string]string{}
	for _, o := range state.Care360.Organizations {
		for _, u := range o.Users {
			k := strings.ToLower(u.Email)
			if prev, dup := emails[k]; dup {
				t.Errorf("care360: users %s and %s share the email %s", prev, deref(u.Id), u.Email)
			}
			emails[k] = deref(u.Id)
			if p := deref(u.PhoneNumber); p != "" {
				if prev, dup := phones[p]; dup {
					t.Errorf("care360: users %s and %s share the phone number %s", prev, deref(u.Id), p)
				}
				phones[p] = deref(u.Id)
			}
		}
	}
	for _, a := range state.Care360.AuthIdentities {
		if id, dup := emails[strings.ToLower(a.Email)]; dup {
			t.Errorf("care360: user %s has the email of the authentication-only identity %s", id, a.Email)
		}
	}
	names, mails := map[string]string{}, map[string]string{}
	for _, c := range state.R1discover.Companies {
		for _, u := range c.Users {
			if n := strings.ToLower(deref(u.Username)); n != "" {
				if prev, dup := names[n]; dup {
					t.Errorf("r1discover: clients %s and %s share the username %s", prev, u.ClientId, n)
				}
				names[n] = u.ClientId
			}
			if e := strings.ToLower(deref(u.Email)); e != "" {
				if prev, dup := mails[e]; dup {
					t.Errorf("r1discover: clients %s and %s share the email %s", prev, u.ClientId, e)
				}
				mails[e] = u.ClientId
			}
		}
	}
}

// checkLastWrites: every worker user holds its last successful values;
// nothing a refused request carried is anywhere; accepted merges are
// there, refused ones are not.
func checkLastWrites(t *testing.T, state *fixtures.Document, recs []*invRecord) {
	t.Helper()
	type c360 struct{ email, city, phone string }
	care, keys := map[string]c360{}, map[string]bool{}
	cities, mergedEmails := map[string]bool{}, map[string]bool{}
	for _, o := range state.Care360.Organizations {
		for _, k := range o.ApiKeys {
			keys[k] = true
		}
		for _, u := range o.Users {
			care[deref(u.Id)] = c360{u.Email, deref(u.City), deref(u.PhoneNumber)}
			cities[deref(u.City)] = true
			mergedEmails[u.Email] = true
		}
	}
	cl2cFN := map[string]string{}
	allFN := map[string]bool{}
	for _, tn := range state.Cl2c.Tenants {
		for _, u := range tn.Users {
			allFN[deref(u.FirstName)] = true
			if tn.Id == "tenant-demo" {
				cl2cFN[u.Id] = deref(u.FirstName)
			}
		}
	}
	type r1 struct{ name, mail, cu string }
	r1s, allCU := map[string]r1{}, map[string]bool{}
	for _, c := range state.R1discover.Companies {
		for _, u := range c.Users {
			allCU[deref(u.CompanyUsername)] = true
			if c.Id == 1 {
				r1s[u.ClientId] = r1{deref(u.Username), deref(u.Email), deref(u.CompanyUsername)}
			}
		}
	}
	for _, rec := range recs {
		for _, u := range rec.users {
			got, ok := care[u.id]
			if !ok {
				t.Errorf("care360 user %s is gone", u.id)
				continue
			}
			if got.email != u.email {
				t.Errorf("care360 user %s: email %q, last successful update set %q", u.id, got.email, u.email)
			}
			if u.city != "" && got.city != u.city {
				t.Errorf("care360 user %s: city %q, last successful update set %q", u.id, got.city, u.city)
			}
			if got.phone != u.phone {
				t.Errorf("care360 user %s: phone %q, last successful update set %q", u.id, got.phone, u.phone)
			}
			if fn := cl2cFN[u.cl2cID]; fn != u.cl2cFN {
				t.Errorf("cl2c user %s: firstName %q, last successful update set %q", u.cl2cID, fn, u.cl2cFN)
			}
			if got := r1s[u.r1ID]; got != (r1{u.r1User, u.r1Mail, u.r1CompanyUser}) {
				t.Errorf("r1 client %s: %+v, last successful update set %+v", u.r1ID, got, r1{u.r1User, u.r1Mail, u.r1CompanyUser})
			}
		}
		for _, c := range rec.rejectedCities {
			if cities[c] {
				t.Errorf("a refused UPDATE_PROFILE left its city %s behind", c)
			}
		}
		for _, fn := range rec.rejectedCL2C {
			if allFN[fn] {
				t.Errorf("a refused CL2C update left its first name %s behind", fn)
			}
		}
		for _, cu := range rec.rejectedR1CU {
			if allCU[cu] {
				t.Errorf("a refused R1 update left its company username %s behind", cu)
			}
		}
		for i, k := range rec.mergedKeys {
			if !keys[k] || !mergedEmails[rec.mergedEmails[i]] {
				t.Errorf("the accepted merge of %s (%s) is missing", k, rec.mergedEmails[i])
			}
		}
		for _, k := range rec.rejectedKeys {
			if keys[k] {
				t.Errorf("the refused merge of %s left its organization behind", k)
			}
		}
	}
}

// checkPagination pages through every organization with an API key, both
// directions, and sees each of its users exactly once.
func checkPagination(t *testing.T, h http.Handler, state *fixtures.Document) {
	t.Helper()
	for _, o := range state.Care360.Organizations {
		if len(o.ApiKeys) == 0 {
			continue
		}
		var want []string
		for _, u := range o.Users {
			want = append(want, strings.ToLower(u.Email))
		}
		slices.Sort(want)
		for _, dir := range []string{"asc", "desc"} {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > len(want)+2 {
					t.Fatalf("%s %s: pagination does not end", deref(o.Id), dir)
				}
				q := "limit=3&sortOrder=" + dir
				if after != "" {
					q += "&after=" + url.QueryEscape(after)
				}
				rec := send(h, http.MethodGet, "/api/v1/users?"+q, "", "", "cv-api-key", o.ApiKeys[0])
				if rec.Code != 200 {
					t.Fatalf("%s: list ?%s: %d %s", deref(o.Id), q, rec.Code, rec.Body)
				}
				var page struct {
					Meta struct {
						HasMore bool
						Cursor  *string
					}
					Data []struct{ Email string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
					t.Fatal(err)
				}
				for _, u := range page.Data {
					got = append(got, strings.ToLower(u.Email))
				}
				if !page.Meta.HasMore {
					break
				}
				if page.Meta.Cursor == nil {
					t.Fatalf("%s: hasMore without a cursor", deref(o.Id))
				}
				after = *page.Meta.Cursor
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: pagination saw %q, the organization holds %q", deref(o.Id), dir, got, want)
			}
		}
	}
}
