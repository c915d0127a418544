import { pinyin } from 'pinyin-pro';

/**
 * Every toneless pinyin syllable (ü written v), as pinyin-pro spells the readings of the CJK
 * Unified Ideographs block; the interjections m, n, ng and hng are left out so that English
 * words do not read as pinyin too easily.
 */
export const PINYIN_SYLLABLES: ReadonlySet<string> = new Set(
  `a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
  cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
  chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den
  deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
  fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun
  guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian
  jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou
  ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie
  lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian
  miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin
  ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin
  ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re
  ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan
  shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou
  su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui
  tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu
  xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze
  zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan
  zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo`.split(/\s+/),
);

const LONGEST_SYLLABLE = 6;

/** True when `letters` (a-z only) splits entirely into pinyin syllables: "sanguoyanyi". */
export function isPinyin(letters: string): boolean {
  if (!/^[a-z]+$/.test(letters)) return false;
  // reachable[i]: the first i letters split into syllables.
  const reachable = [true];
  for (let end = 1; end <= letters.length; end++) {
    reachable[end] = false;
    for (let start = Math.max(0, end - LONGEST_SYLLABLE); start < end; start++) {
      if (reachable[start] && PINYIN_SYLLABLES.has(letters.slice(start, end))) {
        reachable[end] = true;
        break;
      }
    }
  }
  return reachable[letters.length] === true;
}

const HAN = /\p{Script=Han}/u;

/** Pinyin forms of a text; each empty when the text has no Chinese character. */
export interface PinyinForms {
  /** Syllables run together, other letters and digits kept: 三体II -> "santiii". */
  compact: string;
  /** Syllables apart: "san ti ii". */
  spaced: string;
  /** First letter of each syllable, other runs kept whole: 三体II -> "stii". */
  initials: string;
}

const NONE: PinyinForms = { compact: '', spaced: '', initials: '' };

/**
 * Toneless pinyin of `text` (already folded to lower case), with pinyin-pro's phrase
 * dictionary for heteronyms (长恨歌 -> chang hen ge). `surname` reads the first character as
 * a family name (曾国藩 -> zeng guo fan), for author names.
 */
export function pinyinForms(text: string, options: { surname?: boolean } = {}): PinyinForms {
  if (!HAN.test(text)) return NONE;
  const pieces = pinyin(text, {
    toneType: 'none',
    type: 'all',
    v: true,
    nonZh: 'consecutive',
    surname: options.surname ? 'head' : 'off',
  });
  const tokens: { word: string; initial: string }[] = [];
  for (const piece of pieces) {
    if (piece.isZh && /^[a-z]+$/.test(piece.pinyin)) {
      tokens.push({ word: piece.pinyin, initial: piece.pinyin.charAt(0) });
      continue;
    }
    // Other runs come back whole ("ii："): keep their letters and digits as words.
    for (const word of piece.origin.match(/[\p{L}\p{N}]+/gu) ?? []) {
      tokens.push({ word, initial: word });
    }
  }
  return {
    compact: tokens.map((t) => t.word).join(''),
    spaced: tokens.map((t) => t.word).join(' '),
    initials: tokens.map((t) => t.initial).join(''),
  };
}
