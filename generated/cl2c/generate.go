// Package cl2c holds the Go types, Echo server interface and client
// generated from openapi/cl2c.yaml.
package cl2c

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi/cl2c.yaml
