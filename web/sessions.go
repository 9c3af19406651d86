package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

const (
	sessionCookie = "tenantry_session"
	sessionTTL    = 12 * time.Hour

	keyUserID    = "user_id"
	keyTenantID  = "tenant_id"
	keyAccountID = "account_id"
	keyFlash     = "flash"
)

func sessionFromContext(ctx context.Context) *sessions.Session {
	s, _ := ctx.Value(sessionKey).(*sessions.Session)
	return s
}

// sessionStore is a gorilla/sessions Store that keeps sessions in the
// database: the cookie holds only a signed random id. Sessions thus
// survive restarts, work across processes, can be listed and revoked, and
// a stolen database copy holds only hashes of their ids.
type sessionStore struct {
	db     *store.DB
	codec  securecookie.Codec
	secure bool
	ipOf   echo.IPExtractor
}

func newSessionStore(db *store.DB, key []byte, secure bool, ipOf echo.IPExtractor) *sessionStore {
	codec := securecookie.New(key, nil)
	codec.MaxAge(int(sessionTTL.Seconds()))
	return &sessionStore{db: db, codec: codec, secure: secure, ipOf: ipOf}
}

func (st *sessionStore) options(r *http.Request) *sessions.Options {
	// no Domain: the cookie is host-only, so it never travels to a
	// sibling tenant's domain
	return &sessions.Options{Path: "/", MaxAge: int(sessionTTL.Seconds()), HttpOnly: true,
		Secure: st.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode}
}

// Get returns the request's session, cached per request by gorilla's registry.
func (st *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session named by the request's cookie, or returns a new
// empty one when there is none or it is unknown, expired or forged.
func (st *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(st, name)
	sess.Options = st.options(r)
	sess.IsNew = true
	ck, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := st.codec.Decode(name, ck.Value, &id); err != nil {
		return sess, nil
	}
	row, err := st.db.SessionByID(r.Context(), id)
	if err != nil {
		if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			return sess, nil
		}
		return sess, err
	}
	values := map[string]string{}
	if err := json.Unmarshal([]byte(row.Data), &values); err != nil {
		return sess, nil
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[keyUserID], sess.Values[keyTenantID] = row.UserID, row.TenantID
	sess.ID, sess.IsNew = id, false
	return sess, nil
}

// Save writes the session and its cookie; MaxAge < 0 deletes both. A
// session without an id gets a fresh random one: login clears the id so
// that the signed-in session never reuses an id known before sign-in.
func (st *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := st.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		sess.ID = tenantry.RandomToken(32)
	}
	values := map[string]string{}
	for k, v := range sess.Values {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if ok1 && ok2 && ks != keyUserID && ks != keyTenantID {
			values[ks] = vs
		}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return err
	}
	userID, _ := sess.Values[keyUserID].(string)
	tenantID, _ := sess.Values[keyTenantID].(string)
	row := &store.Session{UserID: userID, TenantID: tenantID, Data: string(data), IP: st.ipOf(r),
		UserAgent: truncate(r.UserAgent(), 300), ExpiresAt: time.Now().Add(sessionTTL)}
	if err := st.db.SaveSession(r.Context(), sess.ID, row); err != nil {
		return err
	}
	encoded, err := st.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}

// destroy ends a session in the database and in the browser.
func (st *sessionStore) destroy(c echo.Context, sess *sessions.Session) error {
	sess.Options.MaxAge = -1
	return st.Save(c.Request(), c.Response(), sess)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
