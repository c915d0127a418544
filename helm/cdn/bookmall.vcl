vcl 4.1;

# bookmall behind Varnish 7 with varnish-modules' xkey (Debian: varnish, varnish-modules).
# It stores only what bookmall marks shared (`Cache-Control: public`, anonymous GET queries:
# hashed APQ / trusted-document GETs are the ones worth caching), passes everything else, and
# drops what a mutation changed when bookmall purges by surrogate key (CDN_PURGE_URLS).
# test/integration/cdn.test.ts runs this file in front of the app; README: "A CDN in front".

import xkey;

# The chart's Service (helm/bookmall). The test points it at its own app.
backend bookmall {
  .host = "bookmall";
  .port = "80";
}

# Who may purge: bookmall's pods. Narrow it to the cluster's pod network.
acl purgers {
  "localhost";
  "10.0.0.0"/8;
  "172.16.0.0"/12;
  "192.168.0.0"/16;
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "Forbidden"));
    }
    # bookmall names the keys (space-separated) in Surrogate-Key; xkey's own header also works.
    if (!req.http.Surrogate-Key) {
      set req.http.Surrogate-Key = req.http.xkey;
    }
    if (!req.http.Surrogate-Key) {
      return (synth(400, "PURGE needs a Surrogate-Key header"));
    }
    set req.http.X-Purged = xkey.purge(req.http.Surrogate-Key);
    return (synth(200, "Purged " + req.http.X-Purged + " objects"));
  }
  # Only GraphQL queries over GET come from the cache; POSTs (every mutation), /healthz,
  # /readyz and /metrics always reach bookmall.
  if ((req.method != "GET" && req.method != "HEAD") || req.url !~ "^/graphql(\?|$)") {
    return (pass);
  }
  # A member's answers are private: never looked up, never stored.
  if (req.http.Authorization) {
    return (pass);
  }
  # bookmall reads no cookie; one would only make every lookup miss.
  unset req.http.Cookie;
  return (hash);
}

sub vcl_backend_response {
  # Stored only when bookmall says shared; a private, no-store or header-less answer (an error,
  # say) is fetched every time, without queueing requests behind it (hit-for-miss).
  if (beresp.http.Cache-Control !~ "(?i)(^|[ ,])public([ ,]|$)") {
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
    return (deliver);
  }
  # xkey indexes the object under each key of its xkey header.
  if (beresp.http.Surrogate-Key) {
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    unset beresp.http.Surrogate-Key;
  }
}

sub vcl_deliver {
  # The keys are for Varnish alone.
  unset resp.http.xkey;
  unset resp.http.Surrogate-Key;
  if (obj.hits > 0) {
    set resp.http.X-CDN-Cache = "HIT";
    # The id of the request that filled the cache, not of this one.
    unset resp.http.x-request-id;
  } else {
    set resp.http.X-CDN-Cache = "MISS";
  }
}
