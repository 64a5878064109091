package workload

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Checker is implemented by workers whose requests expect different
// answers; loadgen then asks it instead of the workload's Status and
// BodyContains. Check is called before Done for the same answer.
type Checker interface {
	Check(status int, body []byte) error
}

// Extra lists workloads that scripts/bench.sh and the ceiling do not run
// (their requests span several routes).
var Extra = []Workload{Mixed}

// Mixed is reads and writes at fixed concurrency: a page of users, an
// UPDATE_PROFILE setting a per-request unique city on the worker's own
// seeded Care360 user, a CL2C update of the worker's own user (unique
// first name) and an R1 update of the worker's own client (unique
// username). Verify then checks that the last acknowledged value of each
// is what the state shows: no acknowledged write is lost.
var Mixed = Workload{
	Name: "mixed", Route: "/api/v1/users", Status: http.StatusOK,
	Seed: func(nonce string, workers int) *Request {
		var care, cl2c, r1 []string
		for w := range workers {
			care = append(care, fmt.Sprintf(`{"email":%q,"role":"USER","firstName":"Mixed","lastName":"Load","city":"seeded"}`, mixedEmail(nonce, w)))
			cl2c = append(cl2c, fmt.Sprintf(`{"id":%q,"firstName":"seeded","lastName":"Load"}`, mixedCL2C(nonce, w)))
			r1 = append(r1, fmt.Sprintf(`{"clientId":%q,"username":%q,"companyUsername":%q,"email":%q,"status":"active"}`,
				mixedR1(nonce, w), mixedR1(nonce, w), mixedR1(nonce, w), mixedR1(nonce, w)+"@r1.example.com"))
		}
		body := fmt.Sprintf(`{"care360":{"organizations":[{"id":"org_demo","name":"Demo Clinic","apiKeys":["cv-mixed-%s"],"users":[%s]}]},`+
			`"cl2c":{"tenants":[{"id":"tenant-demo","apiKeys":["cl2c-demo-key"],"users":[%s]}]},`+
			`"r1discover":{"companies":[{"id":1,"users":[%s]}]}}`,
			nonce, strings.Join(care, ","), strings.Join(cl2c, ","), strings.Join(r1, ","))
		return &Request{Method: http.MethodPost, Target: "/__mock/state", Header: hdr("Content-Type", "application/json"), Body: []byte(body)}
	},
	NewWorker: func(id int, nonce string) Worker {
		return &mixedWorker{id: id, nonce: nonce}
	},
	Verify: verifyMixed,
}

func mixedEmail(nonce string, w int) string {
	return fmt.Sprintf("mx%s.w%d@carevalidate.com", nonce, w)
}
func mixedCL2C(nonce string, w int) string { return fmt.Sprintf("mx-%s-w%d", nonce, w) }
func mixedR1(nonce string, w int) string   { return fmt.Sprintf("mx%sw%d", nonce, w) }

// acked tracks one field's writes: the last acknowledged value and the
// values sent after it whose answer never came (they may have applied).
type acked struct {
	last      string
	uncertain []string
	acks      int
}

func (a *acked) done(value string, status int) {
	switch {
	case status == http.StatusOK:
		a.last, a.uncertain = value, nil
		a.acks++
	case status == 0 || status >= 500:
		a.uncertain = append(a.uncertain, value)
	}
}

// holds reports whether v is what the field may legitimately hold.
func (a *acked) holds(v string) bool {
	if v == a.last {
		return true
	}
	for _, u := range a.uncertain {
		if u == v {
			return true
		}
	}
	return false
}

type mixedWorker struct {
	id          int
	nonce       string
	seq         int
	kind        int // of the request in flight
	value       string
	city, first acked
	username    acked
}

func (w *mixedWorker) Next() *Request {
	w.seq++
	w.kind = w.seq % 4
	w.value = fmt.Sprintf("w%d_%s_%d", w.id, w.nonce, w.seq)
	switch w.kind {
	case 0:
		return &Request{Method: http.MethodGet, Target: "/api/v1/users?limit=10", Header: hdr("cv-api-key", "cv-demo-key")}
	case 1:
		return care360Post(fmt.Sprintf(`{"action":"UPDATE_PROFILE","data":{"email":%q,"city":%q}}`, mixedEmail(w.nonce, w.id), w.value))
	case 2:
		return &Request{Method: http.MethodPut, Target: "/v1/cl2c/user",
			Header: hdr("tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key", "Content-Type", "application/json"),
			Body:   []byte(fmt.Sprintf(`{"id":%q,"firstName":%q,"lastName":"Load"}`, mixedCL2C(w.nonce, w.id), w.value))}
	default:
		return &Request{Method: http.MethodPut, Target: "/api/v1/companies/1/users/" + mixedR1(w.nonce, w.id),
			Header: hdr("Authorization", "Bearer r1-demo-token", "Content-Type", "application/json"),
			Body:   []byte(fmt.Sprintf(`{"username":%q}`, w.value))}
	}
}

func (w *mixedWorker) Check(status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	if w.kind != 0 && !strings.Contains(string(body), `"`+w.value+`"`) {
		return fmt.Errorf("the answer does not show the written value %s: %.200s", w.value, body)
	}
	return nil
}

func (w *mixedWorker) Done(status int) {
	switch w.kind {
	case 1:
		w.city.done(w.value, status)
	case 2:
		w.first.done(w.value, status)
	case 3:
		w.username.done(w.value, status)
	}
}

// verifyMixed compares every worker's last acknowledged writes with the
// state (GET /__mock/state): checked counts the fields compared, lost
// describes each that does not hold its last acknowledged value.
func verifyMixed(state []byte, workers []Worker) (checked int, lost []string, err error) {
	var doc struct {
		Care360 struct {
			Organizations []struct {
				Users []struct{ Email, City string }
			}
		}
		Cl2c struct {
			Tenants []struct {
				ID    string `json:"id"`
				Users []struct {
					ID        string `json:"id"`
					FirstName string
				}
			}
		}
		R1discover struct {
			Companies []struct {
				ID    int `json:"id"`
				Users []struct{ ClientID, Username string }
			}
		}
	}
	if err := json.Unmarshal(state, &doc); err != nil {
		return 0, nil, fmt.Errorf("the state is not a fixture document: %w", err)
	}
	cities, firsts, usernames := map[string]string{}, map[string]string{}, map[string]string{}
	for _, o := range doc.Care360.Organizations {
		for _, u := range o.Users {
			cities[strings.ToLower(u.Email)] = u.City
		}
	}
	for _, t := range doc.Cl2c.Tenants {
		if t.ID == "tenant-demo" {
			for _, u := range t.Users {
				firsts[u.ID] = u.FirstName
			}
		}
	}
	for _, c := range doc.R1discover.Companies {
		if c.ID == 1 {
			for _, u := range c.Users {
				usernames[u.ClientID] = u.Username
			}
		}
	}
	for _, wk := range workers {
		w, ok := wk.(*mixedWorker)
		if !ok {
			return 0, nil, fmt.Errorf("not a mixed worker: %T", wk)
		}
		for _, f := range []struct {
			what, key string
			field     *acked
			have      map[string]string
		}{
			{"care360 city of " + mixedEmail(w.nonce, w.id), strings.ToLower(mixedEmail(w.nonce, w.id)), &w.city, cities},
			{"cl2c firstName of " + mixedCL2C(w.nonce, w.id), mixedCL2C(w.nonce, w.id), &w.first, firsts},
			{"r1 username of " + mixedR1(w.nonce, w.id), mixedR1(w.nonce, w.id), &w.username, usernames},
		} {
			if f.field.acks == 0 {
				continue
			}
			checked++
			if got, ok := f.have[f.key]; !ok || !f.field.holds(got) {
				lost = append(lost, fmt.Sprintf("%s: state has %q, last acknowledged %q", f.what, got, f.field.last))
			}
		}
	}
	return checked, lost, nil
}
