package care360

import (
	"bytes"
	"encoding/base64"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vendorsuite/contracts/mock/jsonresp"
)

const (
	// DefaultLimit is the page size when limit is omitted.
	DefaultLimit = 10
	// cursorTime is the createdAt form inside cursors and fixtures.
	cursorTime = "2006-01-02T15:04:05.000Z"
	// smallPrefix is the number of prefix matches up to which a page is
	// picked from the email index; above it, the time order is walked and
	// filtered, which finds a page quickly because matches are dense.
	smallPrefix = 512
)

// position is a point in list order: (createdAt, id).
type position struct {
	createdAt time.Time
	id        string
}

// EncodeCursor writes the cursor of a user: the unpadded standard base64 of
// "<createdAt RFC 3339 millis>|<id>".
func encodeCursor(u *user) string {
	return base64.RawStdEncoding.EncodeToString([]byte(u.createdAt.UTC().Format(cursorTime) + "|" + u.id))
}

var errBadCursor = errors.New("after is not a valid cursor")

// DecodeCursor reads a cursor; padded base64 is accepted too.
func DecodeCursor(s string) (position, error) {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return position{}, errBadCursor
	}
	at, id, ok := strings.Cut(string(raw), "|")
	if !ok || id == "" {
		return position{}, errBadCursor
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return position{}, errBadCursor
	}
	return position{createdAt: t, id: id}, nil
}

func (p position) before(u *user) bool {
	if !p.createdAt.Equal(u.createdAt) {
		return p.createdAt.Before(u.createdAt)
	}
	return p.id < u.id
}

func (p position) after(u *user) bool {
	if !p.createdAt.Equal(u.createdAt) {
		return p.createdAt.After(u.createdAt)
	}
	return p.id > u.id
}

// listQuery is a GET /api/v1/users request, validated.
type listQuery struct {
	prefix string // lower-cased; "" for none
	desc   bool
	limit  int
	after  *position
}

// pageBuffer holds a default page and the user that tells whether more
// follow, so picking one needs no allocation.
type pageBuffer [DefaultLimit + 1]*user

// appendList appends the page of o's users that q asks for as
// api.UsersPage, under the read lock.
func (s *Store) appendList(dst []byte, o *org, q listQuery) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf pageBuffer
	page, hasMore := s.page(o, q, buf[:0])
	dst = append(dst, `{"meta":{"hasMore":`...)
	dst = jsonresp.AppendBool(dst, hasMore)
	dst = append(dst, `,"cursor":`...)
	if len(page) > 0 {
		dst = appendCursor(dst, page[len(page)-1])
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `},"data":[`...)
	for i, u := range page {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = s.appendListing(dst, u)
	}
	return append(dst, "]}"...)
}

// appendListing appends the user as a page lists it, from the user's
// cached listing when no change came since it was built. The first page
// that shows the user after a change builds it under the store's read
// lock, so only another reader can race to build the same bytes, and only
// one of them keeps them; every change drops it under the write lock
// (dropListing). The cache stops growing at the store's listing budget,
// so a client paging through a million users cannot double the world's
// memory: past it, pages encode users as they go, without allocating
// either. The caller holds the read lock.
func (s *Store) appendListing(dst []byte, u *user) []byte {
	if b := u.listed.Load(); b != nil {
		return append(dst, *b...)
	}
	start := len(dst)
	dst = u.appendListed(dst)
	if s.listingBytes.Load() < s.listingBudget {
		b := bytes.Clone(dst[start:])
		if u.listed.CompareAndSwap(nil, &b) {
			s.listingBytes.Add(int64(len(b)))
		}
	}
	return dst
}

// dropListing forgets the user's cached listing after a change; the
// caller holds the write lock.
func (s *Store) dropListing(u *user) {
	if b := u.listed.Swap(nil); b != nil {
		s.listingBytes.Add(-int64(len(*b)))
	}
}

// page returns up to q.limit users of the page in list order, appended to
// buf, and whether more follow. The caller holds the read lock.
func (s *Store) page(o *org, q listQuery, buf []*user) ([]*user, bool) {
	page := s.pick(o, q, buf)
	if len(page) > q.limit {
		return page[:q.limit], true
	}
	return page, false
}

// pick appends up to limit+1 users of the page to out, in list order.
func (s *Store) pick(o *org, q listQuery, out []*user) []*user {
	want := q.limit + 1
	if q.prefix != "" {
		scratch := prefixScratches.Get().(*prefixScratch)
		defer scratch.release()
		if matches, ok := scratch.matches(o, q.prefix); ok {
			slices.SortFunc(matches, func(a, b *user) int {
				if less(a, b) {
					return -1
				}
				return 1
			})
			return takeFrom(out, matches, q, want, "")
		}
	}
	return takeFrom(out, o.byTime, q, want, q.prefix)
}

// prefixScratch is what collecting a prefix's matches needs, pooled so a
// prefix page allocates nothing: the B-tree's pivot and room for
// smallPrefix matches.
type prefixScratch struct {
	pivot user
	found []*user
	small bool
}

var prefixScratches = sync.Pool{New: func() any {
	return &prefixScratch{found: make([]*user, 0, smallPrefix)}
}}

// release returns the scratch to the pool without keeping any user alive.
func (p *prefixScratch) release() {
	clear(p.found)
	p.found = p.found[:0]
	p.pivot.emailKey = ""
	prefixScratches.Put(p)
}

// matches collects the users whose email starts with prefix, when there
// are at most smallPrefix of them. The result lives in the scratch.
func (p *prefixScratch) matches(o *org, prefix string) ([]*user, bool) {
	p.found, p.small = p.found[:0], true
	p.pivot.emailKey = prefix
	o.byEmail.AscendGreaterOrEqual(&p.pivot, func(u *user) bool {
		if !strings.HasPrefix(u.emailKey, prefix) {
			return false
		}
		if len(p.found) == smallPrefix {
			p.small = false
			return false
		}
		p.found = append(p.found, u)
		return true
	})
	return p.found, p.small
}

// takeFrom walks ordered (in list order) from the cursor in the query's
// direction and appends to out up to want users whose email starts with
// prefix.
func takeFrom(out, ordered []*user, q listQuery, want int, prefix string) []*user {
	out = out[:0]
	keep := func(u *user) bool {
		if prefix == "" || strings.HasPrefix(u.emailKey, prefix) {
			out = append(out, u)
		}
		return len(out) < want
	}
	if !q.desc {
		start := 0
		if q.after != nil {
			start = sort.Search(len(ordered), func(i int) bool { return q.after.before(ordered[i]) })
		}
		for i := start; i < len(ordered) && keep(ordered[i]); i++ {
		}
		return out
	}
	end := len(ordered)
	if q.after != nil {
		end = sort.Search(len(ordered), func(i int) bool { return !q.after.after(ordered[i]) })
	}
	for i := end - 1; i >= 0 && keep(ordered[i]); i-- {
	}
	return out
}
