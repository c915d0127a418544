-- migrate:up

-- What a storefront shows besides the title: the publisher, the page count and a cover image.
-- Each may be unknown (NULL); what is there is sane even when written around the API.
ALTER TABLE book
  ADD COLUMN publisher text CHECK (length(btrim(publisher)) BETWEEN 1 AND 200),
  ADD COLUMN page_count integer CHECK (page_count BETWEEN 1 AND 100000),
  ADD COLUMN cover_image_url text
    CHECK (cover_image_url ~ '^https?://' AND length(cover_image_url) <= 2000);

-- migrate:down
ALTER TABLE book DROP COLUMN publisher, DROP COLUMN page_count, DROP COLUMN cover_image_url;
