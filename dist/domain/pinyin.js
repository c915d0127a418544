import { pinyin } from 'pinyin-pro';
/**
 * Every toneless pinyin syllable (ü written v), as pinyin-pro spells the readings of the CJK
 * Unified Ideographs block; the interjections m, n, ng and hng are left out so that English
 * words do not read as pinyin too easily.
 */
export const PINYIN_SYLLABLES = new Set(`a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
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
  zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo`.split(/\s+/));
const LONGEST_SYLLABLE = 6;
/** Every beginning of a syllable: "h", "ho", "hon", "hong", ... */
const SYLLABLE_PREFIXES = new Set([...PINYIN_SYLLABLES].flatMap((s) => [...s].map((_, i) => s.slice(0, i + 1))));
/**
 * True when `letters` (a-z only) splits entirely into pinyin syllables: "sanguoyanyi". With
 * `partial`, the last one may be unfinished, as while typing: "hongl".
 */
export function isPinyin(letters, { partial = false } = {}) {
    if (!/^[a-z]+$/.test(letters))
        return false;
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
    if (reachable[letters.length] === true)
        return true;
    if (!partial)
        return false;
    for (let start = Math.max(1, letters.length - LONGEST_SYLLABLE + 1); start < letters.length; start++) {
        if (reachable[start] && SYLLABLE_PREFIXES.has(letters.slice(start)))
            return true;
    }
    return false;
}
const HAN = /\p{Script=Han}/u;
/**
 * Most readings kept for one text. pinyin-pro picks one reading per character from its phrase
 * dictionary, and misses some (水浒传 comes out "shui hu chuan", 朝花夕拾 "chao hua xi shi"), so
 * each other reading of a heteronym is indexed too, one character at a time.
 */
export const MAX_READINGS = 6;
const readingsCache = new Map();
/** Every toneless reading of one Chinese character (传 -> chuan, zhuan). */
function readingsOf(char) {
    let readings = readingsCache.get(char);
    if (!readings) {
        const all = pinyin(char, { toneType: 'none', type: 'array', v: true, multiple: true });
        readings = [...new Set(all.filter((r) => /^[a-z]+$/.test(r)))];
        readingsCache.set(char, readings);
    }
    return readings;
}
function forms(tokens) {
    return {
        compact: tokens.map((t) => t.word).join(''),
        spaced: tokens.map((t) => t.word).join(' '),
        initials: tokens.map((t) => t.initial).join(''),
    };
}
/**
 * Toneless pinyin readings of `text` (already folded to lower case), none when it has no
 * Chinese character; the first is pinyin-pro's (its phrase dictionary reads 长恨歌 as chang hen
 * ge). `surname` reads the first character as a family name (曾国藩 -> zeng guo fan) and keeps
 * that single reading, for author names.
 */
export function pinyinReadings(text, options = {}) {
    if (!HAN.test(text))
        return [];
    const pieces = pinyin(text, {
        toneType: 'none',
        type: 'all',
        v: true,
        nonZh: 'consecutive',
        surname: options.surname ? 'head' : 'off',
    });
    const tokens = [];
    for (const piece of pieces) {
        if (piece.isZh && /^[a-z]+$/.test(piece.pinyin)) {
            const others = options.surname
                ? []
                : readingsOf(piece.origin).filter((r) => r !== piece.pinyin);
            tokens.push({ word: piece.pinyin, initial: piece.pinyin.charAt(0), others });
            continue;
        }
        // Other runs come back whole ("ii："): keep their letters and digits as words.
        for (const word of piece.origin.match(/[\p{L}\p{N}]+/gu) ?? []) {
            tokens.push({ word, initial: word, others: [] });
        }
    }
    const readings = [forms(tokens)];
    // Round-robin over the heteronyms, so that a late one (…传) is not crowded out.
    for (let round = 0; readings.length < MAX_READINGS; round++) {
        const swaps = tokens.flatMap((token, i) => {
            const other = token.others[round];
            return other ? [tokens.with(i, { word: other, initial: other.charAt(0), others: [] })] : [];
        });
        if (swaps.length === 0)
            break;
        readings.push(...swaps.slice(0, MAX_READINGS - readings.length).map(forms));
    }
    return readings;
}
