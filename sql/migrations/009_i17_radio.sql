-- issue 17: radio channels.  A stream in a category of type 'radio' is a
-- radio channel: get_live_streams gives it stream_type "radio_streams", the
-- M3U radio="true"; bouquets list it with the live channels.  'radio' is
-- appended so type + 0 stays live=1, movie=2, series=3 (XT_CAT_*), radio=4.
ALTER TABLE categories MODIFY COLUMN type ENUM('live','movie','series','radio') NOT NULL;
