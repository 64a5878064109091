// Package workload defines the requests loadgen sends, so the ceiling
// server can capture the mock's answer to exactly the same requests.
package workload

import (
	"fmt"
	"net/http"
	"slices"
)

// Header names the workload on every request. The mock ignores it; the
// ceiling uses it to pick the captured answer, since several workloads
// share one route.
const Header = "X-Bench-Workload"

// Request is one HTTP request.
type Request struct {
	Method string
	Target string // path and query
	Header http.Header
	Body   []byte
}

// Worker produces one load worker's requests. Each worker is used by a
// single goroutine.
type Worker interface {
	// Next returns the request to send.
	Next() *Request
	// Done reports the status the last request got.
	Done(status int)
}

// Cycler is implemented by workers whose requests repeat in a fixed
// cycle, so a load generator outside Go (wrk) can replay them: the
// requests in order, moving to the next after an answer with status
// advanceOn, or after every answer when advanceOn is 0.
type Cycler interface {
	Cycle() (reqs []*Request, advanceOn int)
}

// Workload is one kind of load.
type Workload struct {
	Name string
	// Route is the Echo route pattern of the requests, for the ceiling.
	Route string
	// Seed, when set, is sent once before the load (POST /__mock/state)
	// to add what the workers need; nonce keeps its records unique per run
	// (the merge also needs a new API key: it refuses a duplicate one).
	Seed func(nonce string, workers int) *Request
	// NewWorker returns worker id's request source.
	NewWorker func(id int, nonce string) Worker
	// Status and BodyContains describe the expected answer; anything else
	// is an error.
	Status       int
	BodyContains string
	// Verify, when set, is given GET /__mock/state after the load and the
	// workers: checked counts the writes compared, lost describes every
	// acknowledged write the state does not show.
	Verify func(state []byte, workers []Worker) (checked int, lost []string, err error)
}

// All lists the workloads in the order a bench runs them. get-users runs
// first so later profile changes do not alter what it lists.
var All = []Workload{
	{
		Name: "get-users", Route: "/api/v1/users", Status: 200,
		NewWorker: fixed(&Request{Method: http.MethodGet, Target: "/api/v1/users?limit=10", Header: hdr("cv-api-key", "cv-demo-key")}),
	},
	{
		Name: "update-profile", Route: "/api/v1/users", Status: 200,
		NewWorker: func(id int, _ string) Worker {
			// Two cities, so every request really changes the profile.
			return &alternating{reqs: [2]*Request{
				care360Post(`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","city":"Boston"}}`),
				care360Post(`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","city":"NYC"}}`),
			}}
		},
	},
	{
		// Each worker owns one seeded user and moves its email back and
		// forth, so concurrent workers never race for an address and every
		// answer is a 200.
		Name: "update-email", Route: "/api/v1/users", Status: 200,
		Seed: func(nonce string, workers int) *Request {
			users := ""
			for w := range workers {
				if w > 0 {
					users += ","
				}
				users += fmt.Sprintf(`{"email":%q,"role":"USER","firstName":"John","lastName":"Doe"}`, emailA(nonce, w))
			}
			return &Request{Method: http.MethodPost, Target: "/__mock/state", Header: hdr("Content-Type", "application/json"),
				Body: []byte(`{"care360":{"organizations":[{"id":"org_demo","name":"Demo Clinic","apiKeys":["cv-bench-` + nonce + `"],"users":[` + users + `]}]}}`)}
		},
		NewWorker: func(id int, nonce string) Worker {
			a, b := emailA(nonce, id), emailB(nonce, id)
			return &alternating{onlyOn: 200, reqs: [2]*Request{
				care360Post(fmt.Sprintf(`{"action":"UPDATE_EMAIL","data":{"currentEmail":%q,"newEmail":%q}}`, a, b)),
				care360Post(fmt.Sprintf(`{"action":"UPDATE_EMAIL","data":{"currentEmail":%q,"newEmail":%q}}`, b, a)),
			}}
		},
	},
	{
		Name: "documented-400", Route: "/api/v1/users", Status: 400, BodyContains: "User nobody@example.com does not exist",
		NewWorker: fixed(care360Post(`{"action":"UPDATE_PROFILE","data":{"email":"nobody@example.com","city":"Boston"}}`)),
	},
	{
		Name: "cl2c-update", Route: "/v1/cl2c/user", Status: 200,
		NewWorker: fixed(&Request{Method: http.MethodPut, Target: "/v1/cl2c/user",
			Header: hdr("tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key", "Content-Type", "application/json"),
			Body:   []byte(`{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe","phoneNumber":"+1234567890","pushToken":"push_token_example"}`)}),
	},
	{
		Name: "r1-update", Route: "/api/v1/companies/:companyId/users/:clientId", Status: 200,
		NewWorker: fixed(&Request{Method: http.MethodPut, Target: "/api/v1/companies/1/users/abcxyz123456",
			Header: hdr("Authorization", "Bearer r1-demo-token", "Content-Type", "application/json"),
			Body:   []byte(`{"username":"xyz123","company_username":"xyz123","client_email":"client@example.com","client_location":"Bend Treatment Center","client_program":"General","client_practitioner":"practitioner@example.com","client_status":"active"}`)}),
	},
}

// Find returns the named workload.
func Find(name string) (Workload, bool) {
	all := slices.Concat(All, Extra)
	i := slices.IndexFunc(all, func(s Workload) bool { return s.Name == name })
	if i < 0 {
		return Workload{}, false
	}
	return all[i], true
}

// Names lists the workload names (All, then Extra).
func Names() []string {
	var out []string
	for _, s := range slices.Concat(All, Extra) {
		out = append(out, s.Name)
	}
	return out
}

func emailA(nonce string, w int) string { return fmt.Sprintf("lg%s.w%d@carevalidate.com", nonce, w) }
func emailB(nonce string, w int) string { return fmt.Sprintf("w%d.lg%s@carevalidate.com", w, nonce) }

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func care360Post(body string) *Request {
	return &Request{Method: http.MethodPost, Target: "/api/v1/users",
		Header: hdr("cv-api-key", "cv-demo-key", "Content-Type", "application/json"), Body: []byte(body)}
}

func fixed(r *Request) func(int, string) Worker {
	return func(int, string) Worker { return fixedWorker{r} }
}

type fixedWorker struct{ r *Request }

func (f fixedWorker) Next() *Request           { return f.r }
func (fixedWorker) Done(int)                   {}
func (f fixedWorker) Cycle() ([]*Request, int) { return []*Request{f.r}, 0 }

// alternating sends reqs[0], reqs[1], reqs[0]... advancing after every
// answer, or only after onlyOn when set (an email move that failed has not
// happened, so the same move is retried).
type alternating struct {
	reqs   [2]*Request
	i      int
	onlyOn int
}

func (a *alternating) Cycle() ([]*Request, int) { return a.reqs[:], a.onlyOn }
func (a *alternating) Next() *Request           { return a.reqs[a.i] }
func (a *alternating) Done(status int) {
	if a.onlyOn == 0 || status == a.onlyOn {
		a.i ^= 1
	}
}
