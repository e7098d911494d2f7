// JoinWords: gathers all the words of one image and puts them in reading order.
//   in  words  Word, gathering: every word of the item at once (none when no text was found)
//   out out    Words: the non-empty words, lines top to bottom, words left to right (a word joins
//              a line when their vertical extents overlap by at least half the smaller height)
//   out text   std::string: the words joined with " " and the lines with "\n" ("" when none)
// Runs once per item, also for items without words.
#pragma once

#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {

class JoinWords final : public Cell {
 public:
  Input<Word> words{*this, "words", kGather};
  Output<Words> out{*this, "out"};
  Output<std::string> text{*this, "text"};

  void process(Context& ctx) override;
};

}  // namespace cellflow::vision
