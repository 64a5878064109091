package mock

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/validation"
)

// control implements the generated control API over a Mock.
type control struct{ m *Mock }

var _ mockcontrol.ServerInterface = (*control)(nil)

func (h *control) GetHealth(c echo.Context) error {
	return jsonresp.Write(c, http.StatusOK, mockcontrol.Health{Status: mockcontrol.HealthStatusOk})
}

func (h *control) GetState(c echo.Context) error {
	return jsonresp.Write(c, http.StatusOK, h.m.State())
}

func (h *control) ReplaceState(c echo.Context) error {
	return h.apply(c, h.m.ReplaceState)
}

func (h *control) MergeState(c echo.Context) error {
	return h.apply(c, h.m.MergeState)
}

func (h *control) ResetState(c echo.Context) error {
	h.m.Reset()
	return jsonresp.Write(c, http.StatusOK, h.m.Summary())
}

func (h *control) apply(c echo.Context, op func(*fixtures.Document) error) error {
	doc, status, problems := h.readDocument(c.Request())
	if problems != nil {
		return jsonresp.Write(c, status, mockcontrol.RejectedDocument{Errors: problems})
	}
	if err := op(doc); err != nil {
		var rejected *fixtures.RejectedError
		if errors.As(err, &rejected) {
			return jsonresp.Write(c, http.StatusBadRequest, mockcontrol.RejectedDocument{Errors: rejected.Problems})
		}
		return err
	}
	return jsonresp.Write(c, http.StatusOK, h.m.Summary())
}

// readDocument reads a JSON or YAML fixture document from the body.
func (h *control) readDocument(r *http.Request) (*fixtures.Document, int, []string) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || (mediaType != "application/json" && mediaType != "application/yaml" &&
		mediaType != "application/x-yaml" && mediaType != "text/yaml") {
		return nil, http.StatusUnsupportedMediaType, []string{"Content-Type must be application/json or application/yaml"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.m.maxControl+1))
	if err != nil {
		return nil, http.StatusBadRequest, []string{"the request body could not be read"}
	}
	if int64(len(body)) > h.m.maxControl {
		return nil, http.StatusRequestEntityTooLarge, []string{"The request body exceeds the " + validation.SizeWords(h.m.maxControl) + " limit"}
	}
	doc, err := fixtures.Parse(body)
	if err != nil {
		var rejected *fixtures.RejectedError
		if errors.As(err, &rejected) {
			return nil, http.StatusBadRequest, rejected.Problems
		}
		return nil, http.StatusBadRequest, []string{err.Error()}
	}
	return doc, 0, nil
}
