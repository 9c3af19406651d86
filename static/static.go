// Package static embeds the portal's CSS, JavaScript and images and names
// them by content hash, so browsers cache them for a year and still see a
// change on the next deploy. Nothing is loaded from a CDN: the portal works
// offline.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed css js
var files embed.FS

// version is a hash of every embedded file, computed once at start.
var version = func() string {
	h := sha256.New()
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

// URL returns the cache-busting URL of an embedded file, e.g.
// URL("css/app.css") = "/static/3f9a1c2b04de/css/app.css".
func URL(name string) string { return Prefix + version + "/" + name }

// Handler serves the embedded files under Prefix. An asset named with the
// current version is cached for a year; an old version is still served
// (a page rendered before a deploy) but not cached. Folders are not listed.
func Handler() http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, Prefix), "/")
		if info, err := fs.Stat(files, name); err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		if v == version {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		fileServer.ServeHTTP(w, r2)
	})
}
