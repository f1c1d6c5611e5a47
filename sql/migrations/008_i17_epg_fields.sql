-- issue 17: the XMLTV programme fields beyond title and description.
-- sub_title: plain UTF-8 (xmltv.php puts it before <desc>).
-- xmltv_extra: credits, date, category, language, icon, episode-num,
-- previously-shown, new, rating, star-rating as the import re-serialised
-- them: escaped XML elements in the DTD's order, at most 8 KiB; xmltv.php
-- copies it as is (docs/GUIDE.md "Fields").  Empty for JSON-imported rows.
ALTER TABLE epg_programmes ADD COLUMN IF NOT EXISTS sub_title VARCHAR(1024) NOT NULL DEFAULT '';
ALTER TABLE epg_programmes ADD COLUMN IF NOT EXISTS xmltv_extra TEXT NULL;
