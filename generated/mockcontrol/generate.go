// Package mockcontrol holds the Go types (including the fixture document),
// Echo server interface and client generated from openapi/mock-control.yaml.
package mockcontrol

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/mock-control.yaml
